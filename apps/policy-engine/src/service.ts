import type { ServiceDefinition } from '@auraison/runtime';
import { AppModule } from './app.module.js';
import { loadPolicyEngineConfig, SERVICE_NAME, type PolicyEngineConfig } from './config.js';
import { databaseOptions } from './database.js';

export const policyEngineService: ServiceDefinition<PolicyEngineConfig> = {
  name: SERVICE_NAME,
  loadConfig: loadPolicyEngineConfig,
  database: databaseOptions,
  rootModule: (config, logger) => AppModule.forRoot(config, logger),
};
