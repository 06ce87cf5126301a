import type { ServiceDefinition } from '@auraison/runtime';
import { AppModule } from './app.module.js';
import { loadTenantRegistryConfig, SERVICE_NAME, type TenantRegistryConfig } from './config.js';
import { databaseOptions } from './database.js';

export const tenantRegistryService: ServiceDefinition<TenantRegistryConfig> = {
  name: SERVICE_NAME,
  apiDocs: {
    title: 'Auraison tenant registry',
    description:
      'Tenants, users and roles, service accounts, API keys, quotas and Kubernetes namespaces. ' +
      'Exchange an API key for an access token with POST /api/v1/auth/token, then send it as `Authorization: Bearer <token>`.',
  },
  loadConfig: loadTenantRegistryConfig,
  database: databaseOptions,
  rootModule: (config, logger) => AppModule.forRoot(config, logger),
};
