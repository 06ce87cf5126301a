import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@auraison/auth';
import { CONSUMERS } from '@auraison/contracts';
import { MessagingModule } from '@auraison/messaging';
import { ObservabilityModule, type Logger } from '@auraison/observability';
import { PersistenceModule } from '@auraison/persistence';
import { TenancyModule } from '@auraison/tenancy';
import { BudgetsModule } from './budgets/budgets.module.js';
import { BillingOptionsModule } from './common/billing-options.js';
import { MAX_FUTURE_SKEW_MS, SERVICE_NAME, type BillingConfig } from './config.js';
import { DATABASE_SCHEMA, databaseOptions } from './database.js';
import { LedgerModule } from './ledger/ledger.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PriceBookModule } from './price-book/price-book.module.js';
import { StatementsModule } from './statements/statements.module.js';
import { UsageModule } from './usage/usage.module.js';

/** Wires the feature modules of billing; no logic here. */
@Module({})
export class AppModule {
  static forRoot(config: BillingConfig, logger: Logger): DynamicModule {
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
          streams: ['agentEvents', 'executionEvents', 'tenantEvents', 'alerts'],
          // Usage consumers; the tenant projection's consumer sets its own batch size.
          consumers: {
            batchSize: config.MP_BILLING_BATCH_SIZE,
            ackWaitMs: config.MP_BILLING_ACK_WAIT_SECONDS * 1000,
          },
        }),
        TenancyModule.forRoot({ schema: DATABASE_SCHEMA, consumer: CONSUMERS.billingTenantEvents }),
        BillingOptionsModule.forRoot({
          limits: {
            maxTokensPerEvent: config.MP_BILLING_MAX_TOKENS_PER_EVENT,
            maxGpuSecondsPerEvent: config.MP_BILLING_MAX_GPU_SECONDS,
            maxFutureSkewMs: MAX_FUTURE_SKEW_MS,
          },
          pricingIntervalMs: config.MP_BILLING_PRICING_INTERVAL_SECONDS * 1000,
          alertPollMs: 500,
        }),
        MetricsModule,
        PriceBookModule,
        BudgetsModule,
        LedgerModule,
        UsageModule,
        StatementsModule,
      ],
    };
  }
}
