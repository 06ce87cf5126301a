import { Module, type DynamicModule } from '@nestjs/common';
import { CONSUMERS } from '@auraison/contracts';
import { AuthModule } from '@auraison/auth';
import { MessagingModule } from '@auraison/messaging';
import { ObservabilityModule, type Logger } from '@auraison/observability';
import { TenancyModule } from '@auraison/tenancy';
import { AuditModule } from './audit/audit.module.js';
import { RuntimeDatabaseModule } from './common/persistence/runtime-database.module.js';
import { SERVICE_NAME, type ObservabilityStoreConfig } from './config.js';
import { DATABASE_SCHEMA, databaseOptions, RUNTIME_ROLE } from './database.js';
import { EvaluationsModule } from './evaluations/evaluations.module.js';
import { HistoryModule } from './history/history.module.js';
import { IngestModule } from './ingest/ingest.module.js';
import { PartitionsModule } from './partitions/partitions.module.js';

/** Wires the feature modules of observability-store; no logic here. */
@Module({})
export class AppModule {
  static forRoot(config: ObservabilityStoreConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logger }),
        // Connections run as the runtime role: INSERT and SELECT on the history, nothing more.
        RuntimeDatabaseModule.forRoot(databaseOptions(config), RUNTIME_ROLE),
        // Every route and RPC verifies the tenant registry's tokens from its JWKS.
        AuthModule.forRoot({ issuer: config.MP_AUTH_ISSUER, keys: { jwksUrl: config.MP_JWKS_URL } }),
        MessagingModule.forRoot({
          url: config.NATS_URL,
          namespace: config.MP_NATS_NAMESPACE,
          serviceName: SERVICE_NAME,
          replicas: config.MP_STREAM_REPLICAS,
          // The streams this service publishes to or consumes (MP_DLQ is always added).
          streams: ['agentEvents', 'executionEvents', 'tenantEvents', 'evalSummaries', 'audit'],
          consumers: {
            batchSize: config.MP_INGEST_BATCH_SIZE,
            ackWaitMs: config.MP_INGEST_ACK_WAIT_SECONDS * 1000,
            maxMessageBytes: config.MP_INGEST_MAX_EVENT_BYTES,
          },
        }),
        TenancyModule.forRoot({ schema: DATABASE_SCHEMA, consumer: CONSUMERS.observabilityTenantEvents }),
        PartitionsModule,
        IngestModule,
        HistoryModule.forRoot({ actuationTools: config.MP_ACTUATION_TOOLS }),
        EvaluationsModule,
        AuditModule.forRoot({ checkpointSeconds: config.MP_AUDIT_CHECKPOINT_SECONDS }),
      ],
    };
  }
}
