import { Module, type DynamicModule } from '@nestjs/common';
import type { ConsoleConfig } from '../config.js';
import { GatewayController } from './api/gateway.controller.js';
import {
  Gateway,
  GATEWAY_OPTIONS,
  type GatewayOptions,
  UpstreamFetch,
} from './application/gateway.service.js';

@Module({})
export class GatewayModule {
  static forRoot(config: ConsoleConfig): DynamicModule {
    const options: GatewayOptions = {
      upstreams: {
        'tenant-registry': config.MP_TENANT_REGISTRY_URL,
        'policy-engine': config.MP_POLICY_ENGINE_URL,
        'observability-store': config.MP_OBSERVABILITY_URL,
        billing: config.MP_BILLING_URL,
        'eval-loop': config.MP_EVAL_LOOP_URL,
      },
      timeoutMs: config.MP_GATEWAY_TIMEOUT_MS,
    };
    return {
      module: GatewayModule,
      controllers: [GatewayController],
      providers: [{ provide: GATEWAY_OPTIONS, useValue: options }, UpstreamFetch, Gateway],
    };
  }
}
