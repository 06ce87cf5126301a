import type { ServiceDatabaseOptions } from '@auraison/persistence';
import { SERVICE_NAME, type EvalLoopConfig } from './config.js';
import { MIGRATIONS } from './migrations/index.js';

/** eval-loop owns the `eval_loop` schema and nothing else. */
export const DATABASE_SCHEMA = 'eval_loop';

export function databaseOptions(config: EvalLoopConfig): ServiceDatabaseOptions {
  return {
    service: SERVICE_NAME,
    url: config.DATABASE_URL,
    schema: DATABASE_SCHEMA,
    entities: [],
    migrations: MIGRATIONS,
  };
}
