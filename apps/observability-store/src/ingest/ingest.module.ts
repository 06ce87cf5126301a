import { Module } from '@nestjs/common';
import { HistoryConsumers } from './api/history.consumers.js';
import { IngestHistory } from './application/ingest-history.usecase.js';
import { IngestMetrics } from './application/ingest-metrics.js';
import { TenantGate } from './application/tenant-gate.js';
import { HistoryWriter } from './persistence/history-writer.js';

/** mp.agent.events and mp.execution.events into the hash-chained history. */
@Module({
  providers: [HistoryConsumers, IngestHistory, IngestMetrics, TenantGate, HistoryWriter],
  exports: [IngestMetrics, TenantGate],
})
export class IngestModule {}
