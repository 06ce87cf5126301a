import type { ServiceDefinition } from '@auraison/runtime';
import { AppModule } from './app.module.js';
import { loadEvalLoopConfig, SERVICE_NAME, type EvalLoopConfig } from './config.js';
import { databaseOptions } from './database.js';

export const evalLoopService: ServiceDefinition<EvalLoopConfig> = {
  name: SERVICE_NAME,
  apiDocs: {
    title: 'Auraison eval-loop',
    description:
      'Evaluation of agents per role, environment, model variant and job label, from the execution and agent ' +
      'events of a window, job costs and W&B runs: runs, summaries, signals, alert rules and firing alerts. ' +
      'Send an access token from the tenant registry as `Authorization: Bearer <token>`.',
  },
  loadConfig: loadEvalLoopConfig,
  database: databaseOptions,
  rootModule: (config, logger) => AppModule.forRoot(config, logger),
};
