// Finds or starts the plane's infrastructure (PostgreSQL, NATS with JetStream) for `npm start`,
// `npm test` and `npm run migrate`. stop() stops only what this process started.
import { defaultLog, InfraError, type Log } from './infra-common.js';
import { ensureNats, type NatsInfo, type NatsOptions } from './nats.js';
import { ensurePostgres, type PostgresInfo, type PostgresOptions } from './postgres.js';

export { ensureNats, probeNats, type NatsInfo, type NatsOptions } from './nats.js';
export { ensurePostgres, type PostgresInfo, type PostgresOptions } from './postgres.js';
export { InfraError, REPO_ROOT } from './infra-common.js';

/** The database `npm start` and `npm run migrate` give the apps. */
export const PLANE_DATABASE = 'auraison';

export interface Infra {
  postgres: PostgresInfo;
  nats: NatsInfo;
  /** Stops what was started here, NATS first (apps are already gone by then). */
  stop(): Promise<void>;
}

export interface InfraOptions {
  /** Database to create and hand out as postgres.url; omit for tests (they create their own). */
  database?: string;
  env?: NodeJS.ProcessEnv;
  log?: Log;
  postgres?: Omit<PostgresOptions, 'env' | 'log' | 'database'>;
  nats?: Omit<NatsOptions, 'env' | 'log'>;
}

export async function ensureInfra(options: InfraOptions = {}): Promise<Infra> {
  const log = options.log ?? defaultLog;
  const postgres = await ensurePostgres({
    ...options.postgres,
    env: options.env,
    log,
    database: options.database,
  });
  let nats: NatsInfo;
  try {
    nats = await ensureNats({ ...options.nats, env: options.env, log });
  } catch (err) {
    await postgres.stop();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    postgres,
    nats,
    stop: async () => {
      stopping ??= (async () => {
        await nats.stop();
        await postgres.stop();
      })();
      return stopping;
    },
  };
}

/** Prints an infra failure for a person: InfraError without its stack. */
export function describeFailure(err: unknown): string {
  if (err instanceof InfraError) return err.message;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
