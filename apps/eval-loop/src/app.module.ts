import { Module, type DynamicModule } from '@nestjs/common';
import { CONSUMERS } from '@auraison/contracts';
import { AuthModule } from '@auraison/auth';
import { MessagingModule } from '@auraison/messaging';
import { ObservabilityModule, type Logger } from '@auraison/observability';
import { PersistenceModule } from '@auraison/persistence';
import { TenancyModule } from '@auraison/tenancy';
import { AlertsModule } from './alerts/alerts.module.js';
import { EvalMetricsModule } from './common/eval-metrics.js';
import { EvalOptionsModule, evalOptionsFrom } from './common/eval-options.js';
import { SERVICE_NAME, type EvalLoopConfig } from './config.js';
import { DATABASE_SCHEMA, databaseOptions } from './database.js';
import { EvaluationModule } from './evaluation/evaluation.module.js';
import { InputsModule } from './inputs/inputs.module.js';
import { ScheduleModule } from './schedule/schedule.module.js';

/** Wires the feature modules of eval-loop; no logic here. */
@Module({})
export class AppModule {
  static forRoot(config: EvalLoopConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logger }),
        PersistenceModule.forRoot(databaseOptions(config)),
        // Every route and RPC verifies the tenant registry's tokens from its JWKS.
        AuthModule.forRoot({ issuer: config.MP_AUTH_ISSUER, keys: { jwksUrl: config.MP_JWKS_URL } }),
        MessagingModule.forRoot({
          url: config.NATS_URL,
          namespace: config.MP_NATS_NAMESPACE,
          serviceName: SERVICE_NAME,
          replicas: config.MP_STREAM_REPLICAS,
          // The streams this service publishes to or consumes (MP_DLQ is always added).
          streams: ['executionEvents', 'tenantEvents', 'evalSummaries', 'alerts'],
        }),
        TenancyModule.forRoot({ schema: DATABASE_SCHEMA, consumer: CONSUMERS.evalTenantEvents }),
        EvalOptionsModule.forRoot(evalOptionsFrom(config)),
        EvalMetricsModule,
        InputsModule.forRoot(config),
        AlertsModule,
        EvaluationModule,
        ScheduleModule,
      ],
    };
  }
}
