import type { ServiceDefinition } from '@auraison/runtime';
import { AppModule } from './app.module.js';
import { loadBillingConfig, SERVICE_NAME, type BillingConfig } from './config.js';
import { databaseOptions } from './database.js';

export const billingService: ServiceDefinition<BillingConfig> = {
  name: SERVICE_NAME,
  loadConfig: loadBillingConfig,
  database: databaseOptions,
  rootModule: (config, logger) => AppModule.forRoot(config, logger),
};
