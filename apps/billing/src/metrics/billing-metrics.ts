// Billing's domain metrics on the service's registry (the messaging library already counts messages
// processed, failed and dead-lettered, and the consumer lag in messages).
import { Injectable } from '@nestjs/common';
import { MetricsService } from '@auraison/observability';
import { Counter, Gauge, Histogram } from 'prom-client';

@Injectable()
export class BillingMetrics {
  /** Usage lines written, by source (agent, execution) and whether they could be priced. */
  readonly linesWritten: Counter<'source' | 'priced'>;
  /** Events already in the ledger (redeliveries, duplicates published again): not counted twice. */
  readonly duplicates: Counter<'source'>;
  /** Events refused with a reason (dead-lettered), by source and reason kind. */
  readonly rejected: Counter<'source' | 'reason'>;
  /** Unpriced lines priced later, when a rate appeared. */
  readonly pricedLater: Counter;
  /** Unpriced lines in the ledger now (read on scrape). */
  readonly unpriced: Gauge;
  /** From JetStream storing an event to the commit of its usage line. */
  readonly ingestLag: Histogram<'source'>;
  /** Budget alerts published on mp.alerts, by threshold. */
  readonly alertsSent: Counter<'threshold'>;

  private unpricedSource?: () => Promise<number>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.linesWritten = new Counter({
      name: 'billing_usage_lines_written_total',
      help: 'Usage lines written to the ledger, by source and whether they were priced',
      labelNames: ['source', 'priced'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'billing_usage_duplicates_total',
      help: 'Events already billed (redelivered or published again): counted once',
      labelNames: ['source'],
      registers,
    });
    this.rejected = new Counter({
      name: 'billing_usage_rejected_total',
      help: 'Events refused with a reason and dead-lettered, by source and reason kind',
      labelNames: ['source', 'reason'],
      registers,
    });
    this.pricedLater = new Counter({
      name: 'billing_usage_priced_later_total',
      help: 'Unpriced usage lines priced once a rate appeared',
      registers,
    });
    this.unpriced = new Gauge({
      name: 'billing_unpriced_usage_lines',
      help: 'Usage lines with no rate (unknown model or environment, or no rate yet at their time)',
      registers,
      collect: async () => {
        if (!this.unpricedSource) return;
        try {
          this.unpriced.set(await this.unpricedSource());
        } catch {
          // Database unavailable during a scrape: keep the last value; readiness reports the outage.
        }
      },
    });
    this.ingestLag = new Histogram({
      name: 'billing_ingest_lag_seconds',
      help: 'Time from JetStream storing a usage event to the commit of its usage line',
      labelNames: ['source'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.alertsSent = new Counter({
      name: 'billing_alerts_sent_total',
      help: 'Budget alerts published on mp.alerts, by threshold (percent of the budget)',
      labelNames: ['threshold'],
      registers,
    });
  }

  /** Where the unpriced gauge reads its value on each scrape. */
  readUnpricedFrom(source: () => Promise<number>): void {
    this.unpricedSource = source;
  }
}
