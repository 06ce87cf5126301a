import type { ServiceDatabaseOptions } from '@auraison/persistence';
import { SERVICE_NAME, type BillingConfig } from './config.js';
import { MIGRATIONS } from './migrations/index.js';

/** billing owns the `billing` schema and nothing else. */
export const DATABASE_SCHEMA = 'billing';

export function databaseOptions(config: BillingConfig): ServiceDatabaseOptions {
  return {
    service: SERVICE_NAME,
    url: config.DATABASE_URL,
    schema: DATABASE_SCHEMA,
    entities: [],
    migrations: MIGRATIONS,
  };
}
