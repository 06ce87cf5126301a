import type { ServiceDatabaseOptions } from '@auraison/persistence';
import { SERVICE_NAME, type ObservabilityStoreConfig } from './config.js';
import { MIGRATIONS } from './migrations/index.js';

/** observability-store owns the `observability` schema and nothing else. */
export const DATABASE_SCHEMA = 'observability';

export function databaseOptions(config: ObservabilityStoreConfig): ServiceDatabaseOptions {
  return {
    service: SERVICE_NAME,
    url: config.DATABASE_URL,
    schema: DATABASE_SCHEMA,
    entities: [],
    migrations: MIGRATIONS,
  };
}
