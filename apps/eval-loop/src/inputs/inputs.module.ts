// The inputs of an evaluation, wired to the real services: the observability store and billing over
// HTTP with eval-loop's service token, and W&B's GraphQL API.
import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceTokenProvider } from '@auraison/auth';
import type { EvalLoopConfig } from '../config.js';
import { WandbRunsSource } from '../wandb/wandb.source.js';
import { BillingCostSource } from './adapters/billing-costs.source.js';
import { ObservabilityEventSource } from './adapters/observability-events.source.js';
import { ServiceHttpClient } from './adapters/service-http.client.js';
import { CostSource, EventSource, WandbSource } from './application/ports.js';

@Module({})
export class InputsModule {
  static forRoot(config: EvalLoopConfig): DynamicModule {
    const tokens = config.MP_SERVICE_API_KEY
      ? new ServiceTokenProvider({
          registryUrl: config.MP_TENANT_REGISTRY_URL,
          apiKey: config.MP_SERVICE_API_KEY,
        })
      : undefined;
    return {
      module: InputsModule,
      global: true,
      providers: [
        {
          provide: EventSource,
          useFactory: () =>
            new ObservabilityEventSource(
              new ServiceHttpClient({
                service: 'observability-store',
                baseUrl: config.MP_OBSERVABILITY_URL,
                tokens,
              }),
            ),
        },
        {
          provide: CostSource,
          useFactory: () =>
            new BillingCostSource(
              new ServiceHttpClient({ service: 'billing', baseUrl: config.MP_BILLING_URL, tokens }),
            ),
        },
        {
          provide: WandbSource,
          useFactory: () =>
            new WandbRunsSource({
              baseUrl: config.WANDB_BASE_URL,
              entity: config.WANDB_ENTITY,
              project: config.WANDB_PROJECT,
              apiKey: config.WANDB_API_KEY,
              jobIdKey: config.WANDB_JOB_ID_KEY,
              maxAttempts: config.WANDB_MAX_ATTEMPTS,
            }),
        },
      ],
      exports: [EventSource, CostSource, WandbSource],
    };
  }
}
