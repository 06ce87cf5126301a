// A real plane for end-to-end tests of the tools that drive it (mpctl, the demo): the apps' production
// bundles (`apps/<app>/dist`) run with plain Node on a database and a NATS namespace of their own, on
// free ports, with a platform admin key chosen here (MP_BOOTSTRAP_ADMIN_KEY), so a test can log in at
// once. Start only the apps a test needs; the tenant registry always runs (it signs the tokens).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  createTestDatabase,
  deleteNamespace,
  natsUrl,
  uniqueNamespace,
  type TestDatabase,
} from '@auraison/testing';

export type PlaneApp = 'tenant-registry' | 'policy-engine' | 'observability-store' | 'billing' | 'eval-loop';

const ORDER: readonly PlaneApp[] = [
  'tenant-registry',
  'policy-engine',
  'observability-store',
  'billing',
  'eval-loop',
];
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const LISTENING = /listening on http:\/\/[^:]+:(\d+)/;
const GRPC_LISTENING = /grpc listening on ([^\s"]+)/;

export interface RunningPlane {
  readonly namespace: string;
  readonly database: TestDatabase;
  /** The platform admin's API key (`mpk_...`). */
  readonly adminKey: string;
  /** Base HTTP URL per started app. */
  readonly urls: Partial<Record<PlaneApp, string>>;
  /** The policy engine's gRPC `host:port`, when started. */
  readonly policyGrpc?: string;
  /** The environment a client of this plane uses (mpctl's variables, NATS_URL, MP_NATS_NAMESPACE). */
  readonly clientEnv: Record<string, string>;
  /** Last lines of an app's output (for failure messages). */
  output(app: PlaneApp): string;
  stop(): Promise<void>;
}

export interface PlaneOptions {
  /** Apps besides the tenant registry. */
  apps: readonly PlaneApp[];
  /** Extra environment per app. */
  env?: Partial<Record<PlaneApp, Record<string, string>>>;
  /** Readiness timeout per app (default 60 s: a loaded machine). */
  readyTimeoutMs?: number;
}

/** A fresh key in the registry's format: `mpk_<12 base32 chars>_<43 base64url chars>`. */
export function generateAdminKey(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const prefix = Array.from(randomBytes(12), (b) => alphabet[b % 32]).join('');
  return `mpk_${prefix}_${randomBytes(32).toString('base64url')}`;
}

interface Proc {
  app: PlaneApp;
  child: ChildProcess;
  lines: string[];
}

function distOf(app: PlaneApp): { main: string; migrate: string } {
  const dir = join(REPO_ROOT, 'apps', app, 'dist');
  return { main: join(dir, 'main.js'), migrate: join(dir, 'migrate.js') };
}

async function waitFor(proc: Proc, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of proc.lines) {
      const m = pattern.exec(line);
      if (m) return m[1]!;
    }
    if (proc.child.exitCode !== null)
      throw new Error(`${proc.app} exited with ${proc.child.exitCode}:\n${proc.lines.slice(-30).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.app}: no ${pattern} within ${timeoutMs} ms:\n${proc.lines.slice(-30).join('\n')}`);
}

async function waitReady(app: PlaneApp, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/readyz`).catch(() => undefined);
    if (res?.status === 200) return;
    last = res ? await res.text() : 'no answer';
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${app} not ready after ${timeoutMs} ms: ${last}`);
}

export async function startPlane(options: PlaneOptions): Promise<RunningPlane> {
  const apps = ORDER.filter((a) => a === 'tenant-registry' || options.apps.includes(a));
  for (const app of apps)
    if (!existsSync(distOf(app).main))
      throw new Error(`apps/${app}/dist/main.js is missing: build the apps first (npm run build)`);
  const timeout = options.readyTimeoutMs ?? 60_000;
  const database = await createTestDatabase('mp_plane');
  const namespace = uniqueNamespace();
  const adminKey = generateAdminKey();
  const procs: Proc[] = [];
  const urls: Partial<Record<PlaneApp, string>> = {};
  let policyGrpc: string | undefined;

  const stop = async (): Promise<void> => {
    await Promise.all(
      procs.map(
        async (p) =>
          new Promise<void>((resolve) => {
            if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
            const kill = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
            p.child.once('exit', () => (clearTimeout(kill), resolve()));
            p.child.kill('SIGTERM');
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
    for (const app of apps) {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: database.url,
        NATS_URL: natsUrl(),
        MP_NATS_NAMESPACE: namespace,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        GRPC_PORT: '0',
        LOG_LEVEL: process.env.MP_TEST_LOG_LEVEL ?? 'info',
        MP_LOG_FORMAT: 'json',
        ...(urls['tenant-registry']
          ? { MP_JWKS_URL: `${urls['tenant-registry']}/.well-known/jwks.json` }
          : {}),
        ...(urls['tenant-registry'] ? { MP_TENANT_REGISTRY_URL: urls['tenant-registry'] } : {}),
        ...(urls['observability-store'] ? { MP_OBSERVABILITY_URL: urls['observability-store'] } : {}),
        ...(urls.billing ? { MP_BILLING_URL: urls.billing } : {}),
        ...(app === 'tenant-registry' ? { MP_BOOTSTRAP_ADMIN_KEY: adminKey } : {}),
        ...(options.env?.[app] ?? {}),
      };
      const { main, migrate } = distOf(app);
      if (existsSync(migrate)) {
        const m = spawnSync(process.execPath, [migrate], { env, encoding: 'utf8', timeout: 120_000 });
        if (m.status !== 0)
          throw new Error(`migration of ${app} failed (${m.status}):\n${m.stdout}\n${m.stderr}`);
      }
      const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const proc: Proc = { app, child, lines: [] };
      procs.push(proc);
      let partial = '';
      const onData = (chunk: Buffer): void => {
        const parts = (partial + chunk.toString('utf8')).split('\n');
        partial = parts.pop() ?? '';
        proc.lines.push(...parts);
        if (proc.lines.length > 2000) proc.lines.splice(0, proc.lines.length - 2000);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      const port = await waitFor(proc, LISTENING, timeout);
      urls[app] = `http://127.0.0.1:${port}`;
      if (app === 'policy-engine')
        policyGrpc = (await waitFor(proc, GRPC_LISTENING, timeout)).replace('0.0.0.0', '127.0.0.1');
    }
    await Promise.all(apps.map(async (app) => waitReady(app, urls[app]!, timeout)));
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }

  const clientEnv: Record<string, string> = {
    NATS_URL: natsUrl(),
    MP_NATS_NAMESPACE: namespace,
    MP_TENANT_REGISTRY_URL: urls['tenant-registry']!,
    ...(urls['policy-engine'] ? { MP_POLICY_URL: urls['policy-engine'] } : {}),
    ...(policyGrpc ? { MP_POLICY_GRPC_ADDRESS: policyGrpc } : {}),
    ...(urls['observability-store'] ? { MP_OBSERVABILITY_URL: urls['observability-store'] } : {}),
    ...(urls.billing ? { MP_BILLING_URL: urls.billing } : {}),
    ...(urls['eval-loop'] ? { MP_EVAL_URL: urls['eval-loop'] } : {}),
  };
  return {
    namespace,
    database,
    adminKey,
    urls,
    ...(policyGrpc ? { policyGrpc } : {}),
    clientEnv,
    output: (app) =>
      procs
        .find((p) => p.app === app)
        ?.lines.slice(-40)
        .join('\n') ?? '',
    stop,
  };
}
