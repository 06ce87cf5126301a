import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@auraison/auth';
import { MessagingModule } from '@auraison/messaging';
import { ObservabilityModule, type Logger } from '@auraison/observability';
import { PersistenceModule } from '@auraison/persistence';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { ActiveTenantCheck } from './auth/application/active-tenant.check.js';
import { SigningKeysService } from './auth/application/signing-keys.service.js';
import { TokensModule } from './auth/tokens.module.js';
import { SERVICE_NAME, type TenantRegistryConfig } from './config.js';
import { databaseOptions } from './database.js';
import { EventsModule } from './events/events.module.js';
import { K8sModule } from './k8s/k8s.module.js';
import { MeModule } from './me/me.module.js';
import { ServiceAccountsModule } from './service-accounts/service-accounts.module.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { UsersModule } from './users/users.module.js';

/** Wires the feature modules of tenant-registry; no logic here. */
@Module({})
export class AppModule {
  static forRoot(config: TenantRegistryConfig, logger: Logger): DynamicModule {
    const tokens = TokensModule.forRoot({
      issuer: config.MP_AUTH_ISSUER,
      bootstrap: { adminKey: config.MP_BOOTSTRAP_ADMIN_KEY, adminEmail: config.MP_BOOTSTRAP_ADMIN_EMAIL },
    });
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logger }),
        PersistenceModule.forRoot(databaseOptions(config)),
        MessagingModule.forRoot({
          url: config.NATS_URL,
          namespace: config.MP_NATS_NAMESPACE,
          serviceName: SERVICE_NAME,
          replicas: config.MP_STREAM_REPLICAS,
          // The streams this service publishes to or consumes (MP_DLQ is always added).
          streams: ['tenantEvents'],
        }),
        // The registry verifies its own tokens from its key store, without an HTTP round trip.
        AuthModule.forRoot({
          issuer: config.MP_AUTH_ISSUER,
          keys: { useExisting: SigningKeysService, imports: [tokens] },
          principalCheck: ActiveTenantCheck,
        }),
        tokens,
        EventsModule,
        TenantsModule,
        UsersModule,
        ServiceAccountsModule,
        ApiKeysModule,
        MeModule,
        K8sModule.forRoot({ kubeconfig: config.MP_KUBECONFIG, resyncSeconds: config.MP_K8S_RESYNC_SECONDS }),
      ],
    };
  }
}
