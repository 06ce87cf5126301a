import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@auraison/auth';
import { ObservabilityModule, type Logger } from '@auraison/observability';
import { SERVICE_NAME, type ConsoleConfig } from './config.js';
import { GatewayModule } from './gateway/gateway.module.js';
import { WebAppModule } from './web-app/web-app.module.js';

/** Wires the console: health and metrics, token verification, the gateway and the web app. */
@Module({})
export class AppModule {
  static forRoot(config: ConsoleConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logger }),
        // The gateway verifies tokens itself before forwarding, so unauthenticated traffic stops here.
        AuthModule.forRoot({ issuer: config.MP_AUTH_ISSUER, keys: { jwksUrl: config.MP_JWKS_URL } }),
        GatewayModule.forRoot(config),
        WebAppModule.forRoot(config),
      ],
    };
  }
}
