import type { ServiceDefinition } from '@auraison/runtime';
import { AppModule } from './app.module.js';
import { loadTenantRegistryConfig, SERVICE_NAME, type TenantRegistryConfig } from './config.js';
import { databaseOptions } from './database.js';

export const tenantRegistryService: ServiceDefinition<TenantRegistryConfig> = {
  name: SERVICE_NAME,
  loadConfig: loadTenantRegistryConfig,
  database: databaseOptions,
  rootModule: (config, logger) => AppModule.forRoot(config, logger),
};
