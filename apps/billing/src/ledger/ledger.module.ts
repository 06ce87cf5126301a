import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { BudgetsModule } from '../budgets/budgets.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { PriceBookModule } from '../price-book/price-book.module.js';
import { UsageEventsConsumer } from './api/usage-events.consumer.js';
import { IngestUsage } from './application/ingest-usage.usecase.js';
import { PriceUnpricedJob } from './application/price-unpriced.job.js';
import { TenantProjectionStatus } from './application/tenant-projection-status.js';
import { LedgerRepository } from './persistence/ledger.repository.js';

/** The usage ledger: AgentEvents and terminal ExecutionEvents → priced usage lines and aggregates. */
@Module({
  imports: [PriceBookModule, BudgetsModule, MetricsModule],
  providers: [
    TransactionRunner,
    LedgerRepository,
    TenantProjectionStatus,
    IngestUsage,
    PriceUnpricedJob,
    UsageEventsConsumer,
  ],
  exports: [PriceUnpricedJob],
})
export class LedgerModule {}
