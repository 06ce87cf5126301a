import type { ServiceDefinition } from '@auraison/runtime';
import { AppModule } from './app.module.js';
import { loadBillingConfig, SERVICE_NAME, type BillingConfig } from './config.js';
import { databaseOptions } from './database.js';

export const billingService: ServiceDefinition<BillingConfig> = {
  name: SERVICE_NAME,
  apiDocs: {
    title: 'Auraison billing',
    description:
      'Versioned price book, exactly-once usage ledger from AgentEvents and ExecutionEvents, cost per job, ' +
      'user, agent role, model, environment and tenant per billing period, statements, re-pricing and budgets. ' +
      'Money is USD as decimal strings (six decimals). Send an access token from the tenant registry as ' +
      '`Authorization: Bearer <token>`.',
  },
  loadConfig: loadBillingConfig,
  database: databaseOptions,
  rootModule: (config, logger) => AppModule.forRoot(config, logger),
};
