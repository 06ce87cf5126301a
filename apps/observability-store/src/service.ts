import type { ServiceDefinition } from '@auraison/runtime';
import { AppModule } from './app.module.js';
import { loadObservabilityStoreConfig, SERVICE_NAME, type ObservabilityStoreConfig } from './config.js';
import { databaseOptions } from './database.js';

export const observabilityStoreService: ServiceDefinition<ObservabilityStoreConfig> = {
  name: SERVICE_NAME,
  apiDocs: {
    title: 'Auraison observability store',
    description:
      'The immutable, hash-chained history of agent invocations and job executions: events, causal job traces, ' +
      'session replay, decision search, safety review of actuation calls, evaluation summaries and chain ' +
      'verification. Send an access token from the tenant registry as `Authorization: Bearer <token>`.',
  },
  loadConfig: loadObservabilityStoreConfig,
  database: databaseOptions,
  rootModule: (config, logger) => AppModule.forRoot(config, logger),
};
