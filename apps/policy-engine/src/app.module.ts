import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@auraison/auth';
import { CONSUMERS } from '@auraison/contracts';
import { MessagingModule } from '@auraison/messaging';
import { ObservabilityModule, type Logger } from '@auraison/observability';
import { PersistenceModule } from '@auraison/persistence';
import { TenancyModule } from '@auraison/tenancy';
import { AuditModule } from './audit/audit.module.js';
import { policyEngineOptions } from './common/application/options.js';
import { SERVICE_NAME, type PolicyEngineConfig } from './config.js';
import { databaseOptions } from './database.js';
import { DoorsModule } from './doors/doors.module.js';
import { ExperimentsModule } from './experiments/experiments.module.js';
import { GatesModule } from './gates/gates.module.js';
import { LockdownModule } from './lockdown/lockdown.module.js';
import { PolicyCoreModule } from './policy/policy-core.module.js';
import { QuotaModule } from './quota/quota.module.js';
import { ScopesModule } from './scopes/scopes.module.js';

/** Wires the feature modules of policy-engine; no logic here. */
@Module({})
export class AppModule {
  static forRoot(config: PolicyEngineConfig, logger: Logger): DynamicModule {
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
        }),
        TenancyModule.forRoot({ schema: 'policy', consumer: CONSUMERS.policyTenantEvents }),
        PolicyCoreModule.forRoot(policyEngineOptions(config)),
        DoorsModule,
        ScopesModule,
        LockdownModule,
        GatesModule,
        ExperimentsModule,
        AuditModule,
        QuotaModule,
      ],
    };
  }
}
