import type { ServiceDatabaseOptions } from '@auraison/persistence';
import { SERVICE_NAME, type TenantRegistryConfig } from './config.js';
import { MIGRATIONS } from './migrations/index.js';

/** tenant-registry owns the `tenant_registry` schema and nothing else. */
export const DATABASE_SCHEMA = 'tenant_registry';

export function databaseOptions(config: TenantRegistryConfig): ServiceDatabaseOptions {
  return {
    service: SERVICE_NAME,
    url: config.DATABASE_URL,
    schema: DATABASE_SCHEMA,
    entities: [],
    migrations: MIGRATIONS,
  };
}
