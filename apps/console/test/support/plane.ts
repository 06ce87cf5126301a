// The whole plane for the console's end-to-end tests: the five services and the console, each the
// built bundle (dist/main.js) run by Node as `npm start` runs it, on a database and a NATS namespace
// of their own, on ports chosen before any starts (so every service is told where every other one is,
// unlike libs/app-testing startPlane, which learns ports as apps start). `npm test` builds first; run
// `npm run build` before running this alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { generateAdminKey } from '@auraison/app-testing';
import {
  createTestDatabase,
  deleteNamespace,
  natsUrl,
  uniqueNamespace,
  type TestDatabase,
} from '@auraison/testing';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

const SERVICES = ['tenant-registry', 'policy-engine', 'observability-store', 'billing', 'eval-loop'] as const;
type App = (typeof SERVICES)[number] | 'console';

export interface Plane {
  database: TestDatabase;
  namespace: string;
  adminKey: string;
  url(app: App): string;
  close(): Promise<void>;
  /** Last lines an app printed (for failure messages). */
  output(app: App): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function missingBuilds(): string[] {
  const files = [
    ...SERVICES.map((s) => `apps/${s}/dist/main.js`),
    'apps/console/dist/main.js',
    'apps/console/dist/web/index.html',
  ];
  return files.filter((f) => !existsSync(join(REPO_ROOT, f)));
}

async function runToEnd(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out })));
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

export async function startPlane(): Promise<Plane> {
  const database = await createTestDatabase('mp_console');
  const namespace = uniqueNamespace();
  const adminKey = generateAdminKey();
  const ports = new Map<App, number>();
  for (const app of [...SERVICES, 'console'] as const) ports.set(app, await freePort());
  const grpcPort = await freePort();
  const url = (app: App) => `http://127.0.0.1:${ports.get(app)!}`;
  const children = new Map<App, ChildProcess>();
  const logs = new Map<App, string>();

  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    DATABASE_URL: database.url,
    NATS_URL: natsUrl(),
    MP_NATS_NAMESPACE: namespace,
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: process.env.MP_TEST_LOG_LEVEL ?? 'warn',
    MP_JWKS_URL: `${url('tenant-registry')}/.well-known/jwks.json`,
    MP_TENANT_REGISTRY_URL: url('tenant-registry'),
    MP_POLICY_ENGINE_URL: url('policy-engine'),
    MP_OBSERVABILITY_URL: url('observability-store'),
    MP_BILLING_URL: url('billing'),
    MP_EVAL_LOOP_URL: url('eval-loop'),
    MP_BOOTSTRAP_ADMIN_KEY: adminKey,
  };
  const envOf = (app: App): NodeJS.ProcessEnv => ({
    ...base,
    HTTP_PORT: String(ports.get(app)),
    ...(app === 'policy-engine' ? { GRPC_PORT: String(grpcPort) } : {}),
  });

  const close = async () => {
    await Promise.all(
      [...children.values()].map(
        async (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const kill = setTimeout(() => c.kill('SIGKILL'), 10_000);
            c.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    await database.drop().catch(() => undefined);
    const nc = await connect({ servers: natsUrl() });
    try {
      await deleteNamespace(await jetstreamManager(nc), namespace);
    } finally {
      await nc.close();
    }
  };

  try {
    for (const app of SERVICES) {
      const r = await runToEnd([join('apps', app, 'dist', 'migrate.js')], envOf(app));
      if (r.code !== 0) throw new Error(`migration of ${app} failed (exit ${r.code}):\n${r.out}`);
    }
    for (const app of [...SERVICES, 'console'] as const) {
      const child = spawn(process.execPath, [join('apps', app, 'dist', 'main.js')], {
        cwd: REPO_ROOT,
        env: envOf(app),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      logs.set(app, '');
      const keep = (d: Buffer) => logs.set(app, `${logs.get(app) ?? ''}${d.toString()}`.slice(-8000));
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      children.set(app, child);
    }
    for (const app of [...SERVICES, 'console'] as const) {
      await waitFor(
        `${app} /readyz`,
        async () => {
          const c = children.get(app)!;
          if (c.exitCode !== null) throw new Error(`${app} exited (${c.exitCode}):\n${logs.get(app)}`);
          const res = await fetch(`${url(app)}/readyz`);
          return res.ok ? true : undefined;
        },
        90_000,
      );
    }
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
  return { database, namespace, adminKey, url, close, output: (app) => logs.get(app) ?? '' };
}
