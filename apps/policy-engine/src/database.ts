import type { ServiceDatabaseOptions } from '@auraison/persistence';
import { SERVICE_NAME, type PolicyEngineConfig } from './config.js';
import { MIGRATIONS } from './migrations/index.js';

/** policy-engine owns the `policy` schema and nothing else. */
export const DATABASE_SCHEMA = 'policy';

export function databaseOptions(config: PolicyEngineConfig): ServiceDatabaseOptions {
  return {
    service: SERVICE_NAME,
    url: config.DATABASE_URL,
    schema: DATABASE_SCHEMA,
    entities: [],
    migrations: MIGRATIONS,
  };
}
