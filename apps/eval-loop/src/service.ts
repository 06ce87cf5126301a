import type { ServiceDefinition } from '@auraison/runtime';
import { AppModule } from './app.module.js';
import { loadEvalLoopConfig, SERVICE_NAME, type EvalLoopConfig } from './config.js';
import { databaseOptions } from './database.js';

export const evalLoopService: ServiceDefinition<EvalLoopConfig> = {
  name: SERVICE_NAME,
  loadConfig: loadEvalLoopConfig,
  database: databaseOptions,
  rootModule: (config, logger) => AppModule.forRoot(config, logger),
};
