import { Module } from '@nestjs/common';
import { BillingMetrics } from './billing-metrics.js';

/** One BillingMetrics per app (it registers its metrics once on the service registry). */
@Module({ providers: [BillingMetrics], exports: [BillingMetrics] })
export class MetricsModule {}
