import type { ServiceDefinition } from '@auraison/runtime';
import { AppModule } from './app.module.js';
import { loadPolicyEngineConfig, SERVICE_NAME, type PolicyEngineConfig } from './config.js';
import { databaseOptions } from './database.js';
import { connectGrpc } from './doors/grpc/grpc-server.js';

export const policyEngineService: ServiceDefinition<PolicyEngineConfig> = {
  name: SERVICE_NAME,
  apiDocs: {
    title: 'Auraison policy engine',
    description:
      'Tool scopes, quotas with reservations, rate limits, actuation gates, models and A/B experiments. ' +
      'The same PolicyService operations are served over gRPC (auraison.mp.v1.PolicyService) and NATS ' +
      '(mp.policy.requests.<Method>). Send an access token from the tenant registry as `Authorization: Bearer <token>`.',
  },
  loadConfig: loadPolicyEngineConfig,
  database: databaseOptions,
  rootModule: (config, logger) => AppModule.forRoot(config, logger),
  microservices: async (app, config) => connectGrpc(app, config),
};
