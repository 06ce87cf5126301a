import { Injectable } from '@nestjs/common';
import { MetricsService } from '@auraison/observability';
import { Counter, Histogram } from 'prom-client';

export type IngestedType = 'agent' | 'execution' | 'evaluation';

/** Domain metrics of ingestion (the messaging library adds consumer lag, DLQ counts, batch timings). */
@Injectable()
export class IngestMetrics {
  readonly ingested: Counter<'type' | 'result'>;
  readonly rejected: Counter<'type' | 'reason'>;
  readonly lag: Histogram<'type'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.ingested = new Counter({
      name: 'observability_events_ingested_total',
      help: 'Events handled by the history, by type and result (stored, or duplicate of one already stored)',
      labelNames: ['type', 'result'],
      registers,
    });
    this.rejected = new Counter({
      name: 'observability_events_rejected_total',
      help: 'Events refused on semantic grounds and dead-lettered, by type and reason',
      labelNames: ['type', 'reason'],
      registers,
    });
    this.lag = new Histogram({
      name: 'observability_ingest_lag_seconds',
      help: 'Time from an event timestamp to its commit in the history',
      labelNames: ['type'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers,
    });
  }

  stored(type: IngestedType, occurredAt: readonly Date[], duplicates: number, now = Date.now()): void {
    if (occurredAt.length > 0) this.ingested.inc({ type, result: 'stored' }, occurredAt.length);
    if (duplicates > 0) this.ingested.inc({ type, result: 'duplicate' }, duplicates);
    for (const at of occurredAt) this.lag.observe({ type }, Math.max(0, (now - at.getTime()) / 1000));
  }
}
