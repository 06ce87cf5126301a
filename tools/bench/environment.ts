// The servers the bench talks to: reachability checks with a hint on how to start each one, the
// per-run database, and the facts about the machine that go into the report.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import type { BenchEnvironment } from './report.js';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable URL>';
  }
}

function messageOf(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return messageOf(e.errors[0]);
  return e instanceof Error ? e.message || e.name : String(e);
}

/** Checks that NATS answers and has JetStream; returns the server version from its INFO. */
export async function probeNats(url: string): Promise<string> {
  let nc;
  try {
    nc = await connect({ servers: url, timeout: 3000, reconnect: false });
  } catch (e) {
    throw new Error(
      `Cannot reach NATS at ${redactUrl(url)}: ${messageOf(e)}.\n` +
        'Start a JetStream-enabled server, e.g. `nats-server -js` (Debian package: `service nats-server start`), ' +
        'or set NATS_URL to one.',
      { cause: e },
    );
  }
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.getAccountInfo();
    return nc.info?.version ?? 'unknown';
  } catch (e) {
    throw new Error(
      `NATS at ${redactUrl(url)} answers but JetStream does not (${messageOf(e)}): restart nats-server with \`-js\`.`,
      { cause: e },
    );
  } finally {
    await nc.close();
  }
}

export interface BenchDatabase {
  url: string;
  serverVersion: string;
  drop(): Promise<void>;
}

async function adminClient(adminUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(
      `Cannot reach PostgreSQL at ${redactUrl(adminUrl)}: ${messageOf(e)}.\n` +
        'Start it, e.g. `service postgresql start` (or `pg_ctlcluster 15 main start`), or set DATABASE_URL ' +
        'to an admin URL allowed to CREATE DATABASE.',
      { cause: e },
    );
  }
  return client;
}

/** Creates an empty database `name` next to the admin URL's database (PostgreSQL 13+ for the drop). */
export async function createBenchDatabase(adminUrl: string, name: string): Promise<BenchDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
  const client = await adminClient(adminUrl);
  let serverVersion: string;
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    serverVersion = rows[0]?.server_version ?? 'unknown';
    await client.query(`CREATE DATABASE ${name}`);
  } catch (e) {
    throw new Error(
      `Cannot create the bench database ${name} through ${redactUrl(adminUrl)}: ${messageOf(e)}`,
      {
        cause: e,
      },
    );
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    serverVersion,
    async drop(): Promise<void> {
      const admin = await adminClient(adminUrl);
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

function gitCommit(): string | undefined {
  try {
    const opts = {
      encoding: 'utf8' as const,
      stdio: ['ignore', 'pipe', 'ignore'] as Array<'ignore' | 'pipe'>,
    };
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], opts).trim() !== '';
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return undefined;
  }
}

export function loadAverage(): number {
  return loadavg()[0] ?? 0;
}

export function describeEnvironment(
  natsServer: string,
  postgres: string,
  loadAtStart: number,
): BenchEnvironment {
  const cpu = cpus();
  const commit = gitCommit();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    node: process.version,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    natsServer,
    postgres,
    loadAverage: { start: loadAtStart, end: loadAverage() },
    ...(commit === undefined ? {} : { gitCommit: commit }),
  };
}
