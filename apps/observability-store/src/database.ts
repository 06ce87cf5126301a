import type { ServiceDatabaseOptions } from '@auraison/persistence';
import { SERVICE_NAME, type ObservabilityStoreConfig } from './config.js';
import { MIGRATIONS } from './migrations/index.js';
import { WRITER_ROLE } from './migrations/1796400700000-observability-history.js';

/** observability-store owns the `observability` schema and nothing else. */
export const DATABASE_SCHEMA = 'observability';

/**
 * The role every runtime connection switches to (`-c role=...` on connect): INSERT and SELECT on the
 * history only. Migrations run as the login user of DATABASE_URL, which owns the schema.
 */
export const RUNTIME_ROLE = WRITER_ROLE;

export function databaseOptions(config: ObservabilityStoreConfig): ServiceDatabaseOptions {
  return {
    service: SERVICE_NAME,
    url: config.DATABASE_URL,
    schema: DATABASE_SCHEMA,
    entities: [],
    migrations: MIGRATIONS,
  };
}
