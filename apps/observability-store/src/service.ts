import type { ServiceDefinition } from '@auraison/runtime';
import { AppModule } from './app.module.js';
import { loadObservabilityStoreConfig, SERVICE_NAME, type ObservabilityStoreConfig } from './config.js';
import { databaseOptions } from './database.js';

export const observabilityStoreService: ServiceDefinition<ObservabilityStoreConfig> = {
  name: SERVICE_NAME,
  loadConfig: loadObservabilityStoreConfig,
  database: databaseOptions,
  rootModule: (config, logger) => AppModule.forRoot(config, logger),
};
