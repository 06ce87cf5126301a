// The plane's deployables as the local launcher runs them. Add an app here and start, migrate, the
// URL table and the deployment generator (tools/deploy) pick it up.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface AppSpec {
  /** Directory name under apps/ and the log tag. */
  name: string;
  httpPort: number;
  grpcPort?: number;
  /** Has dist/migrate.js to run before start (default true). */
  migrates?: boolean;
  /** Serves Swagger UI at /api/docs (default true). */
  apiDocs?: boolean;
  /** Readiness path answering 200 when ready (default /readyz). */
  readyPath?: string;
}

// Migration and start order: tenant-registry first, the others depend on nothing at start.
export const APPS: readonly AppSpec[] = [
  { name: 'tenant-registry', httpPort: 3001 },
  { name: 'policy-engine', httpPort: 3002, grpcPort: 50051 },
  { name: 'observability-store', httpPort: 3003 },
  { name: 'billing', httpPort: 3004 },
  { name: 'eval-loop', httpPort: 3005 },
  // The operator console: a web app and a gateway to the others; no database, nothing to migrate.
  { name: 'console', httpPort: 3000, migrates: false, apiDocs: false },
];

export const LOCAL_HOST = '127.0.0.1';

export interface AppPaths {
  dir: string;
  main: string;
  migrate: string;
}

export function appPaths(root: string, app: AppSpec): AppPaths {
  const dir = join(root, 'apps', app.name);
  return { dir, main: join(dir, 'dist', 'main.js'), migrate: join(dir, 'dist', 'migrate.js') };
}

export function appExists(root: string, app: AppSpec): boolean {
  return existsSync(join(root, 'apps', app.name, 'package.json'));
}

export interface AppUrls {
  http: string;
  ready: string;
  health: string;
  metrics: string;
  docs?: string;
  grpc?: string;
}

export function appUrls(app: AppSpec, host: string = LOCAL_HOST): AppUrls {
  const http = `http://${host}:${app.httpPort}`;
  const urls: AppUrls = {
    http,
    ready: `${http}${app.readyPath ?? '/readyz'}`,
    health: `${http}/healthz`,
    metrics: `${http}/metrics`,
  };
  if (app.apiDocs !== false) urls.docs = `${http}/api/docs`;
  if (app.grpcPort !== undefined) urls.grpc = `${host}:${app.grpcPort}`;
  return urls;
}

export interface AppEnvInput {
  databaseUrl: string;
  natsUrl: string;
  /** The launcher's own environment (PATH, LOG_LEVEL, MP_NATS_NAMESPACE ...). */
  base: NodeJS.ProcessEnv;
}

/** The environment an app runs (or migrates) with. */
export function appEnv(app: AppSpec, input: AppEnvInput): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...input.base,
    DATABASE_URL: input.databaseUrl,
    NATS_URL: input.natsUrl,
    HTTP_PORT: String(app.httpPort),
    LOG_LEVEL: input.base.LOG_LEVEL ?? 'info',
  };
  if (app.grpcPort !== undefined) env.GRPC_PORT = String(app.grpcPort);
  else delete env.GRPC_PORT;
  // MP_NATS_NAMESPACE passes through from base when set; never invent one.
  return env;
}

/** Selects apps by name (`--only=a,b`); unknown names are an error. */
export function selectApps(all: readonly AppSpec[], only: readonly string[] | undefined): AppSpec[] {
  if (!only || only.length === 0) return [...all];
  const unknown = only.filter((name) => !all.some((a) => a.name === name));
  if (unknown.length > 0)
    throw new Error(`unknown app(s): ${unknown.join(', ')} (known: ${all.map((a) => a.name).join(', ')})`);
  return all.filter((a) => only.includes(a.name));
}
