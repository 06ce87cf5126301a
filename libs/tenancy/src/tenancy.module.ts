import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { ConsumerDeclaration } from '@auraison/contracts';
import type { TenantEvent } from '@auraison/contracts';
import { ConsumeBatch, type BatchConsumerSettings, type ConsumedMessage } from '@auraison/messaging';
import { DataSource } from 'typeorm';
import { TenantProjection } from './tenant-projection.js';

export interface TenancyModuleOptions {
  /** The service's schema (with a `tenants` table from createTenantProjectionTable). */
  schema: string;
  /** The service's durable consumer of mp.tenant.events, e.g. CONSUMERS.billingTenantEvents. */
  consumer: ConsumerDeclaration & { messageType: 'auraison.mp.v1.TenantEvent' };
  consumerSettings?: BatchConsumerSettings;
}

/** Keeps the service's tenant projection current and provides TenantProjection. */
@Global()
@Module({})
export class TenancyModule {
  static forRoot(options: TenancyModuleOptions): DynamicModule {
    class TenantEventsIngest {
      constructor(private readonly projection: TenantProjection) {}

      async ingest(batch: ConsumedMessage<TenantEvent>[]): Promise<void> {
        await this.projection.apply(batch.map((m) => m.message));
      }
    }
    // The consumer is only known here, so the decorator is applied to the class made for it.
    const descriptor = Object.getOwnPropertyDescriptor(TenantEventsIngest.prototype, 'ingest')!;
    ConsumeBatch(options.consumer, { batchSize: 100, ...options.consumerSettings })(
      TenantEventsIngest.prototype,
      'ingest',
      descriptor,
    );
    return {
      module: TenancyModule,
      providers: [
        {
          provide: TenantProjection,
          inject: [DataSource],
          useFactory: (db: DataSource) => new TenantProjection(db, { schema: options.schema }),
        },
        {
          provide: TenantEventsIngest,
          inject: [TenantProjection],
          useFactory: (p: TenantProjection) => new TenantEventsIngest(p),
        },
      ],
      exports: [TenantProjection],
    };
  }
}
