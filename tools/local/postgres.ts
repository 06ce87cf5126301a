// Finds a PostgreSQL for the plane: DATABASE_URL, else the machine's server on 5432, else an
// embedded one (DESIGN §8 "Local").
import { defaultEmbeddedDir, EMBEDDED_PG_PORT, startEmbeddedPostgres } from './embedded-postgres.js';
import {
  defaultLog,
  hostPort,
  InfraError,
  type Log,
  REPO_ROOT,
  redactUrl,
  withDatabase,
} from './infra-common.js';
import { ensureDatabase, probePostgres } from './postgres-probe.js';

export const DEFAULT_LOCAL_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PostgresOptions {
  /**
   * Read: DATABASE_URL; MP_LOCAL_PG_URL (the "local server" probed before falling back, default
   * postgres://postgres@127.0.0.1:5432/postgres; point it at a closed port to force the embedded
   * fallback); MP_LOCAL_PG_DIR and MP_LOCAL_PG_PORT (embedded data directory and port, default
   * <repo>/.local/postgres and 54329).
   */
  env?: NodeJS.ProcessEnv;
  /** Database to create if missing and return as `url` (not done for DATABASE_URL). */
  database?: string;
  log?: Log;
  root?: string;
}

export interface PostgresInfo {
  source: 'env' | 'local' | 'embedded';
  /** A URL with rights to CREATE DATABASE (tests create their own). */
  adminUrl: string;
  /** The plane's database (`database` option), or adminUrl when none was asked for. */
  url: string;
  /** One line for the launcher's summary. */
  description: string;
  /** Whether stop() stops something this process started (or took over). */
  started: boolean;
  stop(): Promise<void>;
}

const noop = async (): Promise<void> => {};

export async function ensurePostgres(options: PostgresOptions = {}): Promise<PostgresInfo> {
  const env = options.env ?? process.env;
  const log = options.log ?? defaultLog;

  const given = env.DATABASE_URL?.trim();
  if (given) {
    const probe = await probePostgres(given, 5000);
    if (!probe.ok)
      throw new InfraError(
        `PostgreSQL: cannot connect to DATABASE_URL (${redactUrl(given)}): ${probe.error}. ` +
          'Fix or unset DATABASE_URL (unset: a local server on 127.0.0.1:5432 or an embedded one is used).',
      );
    log(`PostgreSQL: using DATABASE_URL ${redactUrl(given)} (server ${probe.version})`);
    // The given database is used as it is: whoever set it chose the database.
    return {
      source: 'env',
      adminUrl: given,
      url: given,
      description: `${redactUrl(given)} (DATABASE_URL)`,
      started: false,
      stop: noop,
    };
  }

  const localUrl = env.MP_LOCAL_PG_URL?.trim() || DEFAULT_LOCAL_PG_URL;
  const local = await probePostgres(localUrl, 1500);
  let adminUrl: string;
  let source: PostgresInfo['source'];
  let started = false;
  let note: string;
  let stop = noop;
  if (local.ok) {
    log(`PostgreSQL: using ${hostPort(localUrl, 5432)} (server ${local.version})`);
    adminUrl = localUrl;
    source = 'local';
    note = 'local server';
  } else {
    const port = Number(env.MP_LOCAL_PG_PORT ?? EMBEDDED_PG_PORT);
    const baseDir = env.MP_LOCAL_PG_DIR?.trim() || defaultEmbeddedDir(options.root ?? REPO_ROOT);
    log(
      `PostgreSQL: nothing on ${hostPort(localUrl, 5432)} (${local.error}); ` +
        `starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${baseDir})`,
    );
    const embedded = await startEmbeddedPostgres({ baseDir, port, log });
    adminUrl = embedded.url;
    source = 'embedded';
    started = embedded.started;
    note = embedded.note;
    stop = async () => embedded.stop();
    log(`PostgreSQL: embedded server ready on 127.0.0.1:${port}${started ? '' : ` (${note})`}`);
  }

  let url = adminUrl;
  if (options.database) {
    try {
      if (await ensureDatabase(adminUrl, options.database))
        log(`PostgreSQL: created database ${options.database}`);
    } catch (err) {
      await stop();
      throw new InfraError(`PostgreSQL: cannot create database ${options.database}: ${String(err)}`);
    }
    url = withDatabase(adminUrl, options.database);
  }
  return { source, adminUrl, url, description: `${redactUrl(url)} (${note})`, started, stop };
}
