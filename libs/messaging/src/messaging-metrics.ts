// Metrics of publishing and consuming, registered once per prom-client Registry (several consumers
// and publishers of one service share the same series, told apart by labels).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type DlqReasonKind =
  'content-type' | 'json' | 'protobuf' | 'validation' | 'oversize' | 'handler' | 'rejected';

type ConsumerLabels = 'stream' | 'consumer';

export class MessagingMetrics {
  readonly processed: Counter<ConsumerLabels>;
  readonly failed: Counter<ConsumerLabels>;
  readonly dlq: Counter<ConsumerLabels | 'reason_kind'>;
  readonly batchDuration: Histogram<ConsumerLabels>;
  readonly batchSize: Histogram<ConsumerLabels>;
  readonly lag: Gauge<ConsumerLabels>;
  readonly ackPending: Gauge<ConsumerLabels>;
  readonly published: Counter<'subject' | 'result'>;
  readonly publishRetries: Counter<'subject'>;
  readonly publishFailures: Counter<'subject'>;
  readonly publishDuration: Histogram<'subject'>;

  private static readonly byRegistry = new WeakMap<Registry, MessagingMetrics>();

  /** The metrics of `registry`, registering them on first use. */
  static for(registry: Registry): MessagingMetrics {
    let metrics = MessagingMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new MessagingMetrics(registry);
      MessagingMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['stream', 'consumer'] as const;
    this.processed = new Counter({
      name: 'mp_messages_processed_total',
      help: 'Messages handled and acknowledged by a consumer',
      labelNames,
      registers,
    });
    this.failed = new Counter({
      name: 'mp_messages_failed_total',
      help: 'Message deliveries whose handler failed (nacked for redelivery or dead-lettered)',
      labelNames,
      registers,
    });
    this.dlq = new Counter({
      name: 'mp_messages_dlq_total',
      help: 'Messages sent to the dead-letter stream, by reason kind',
      labelNames: [...labelNames, 'reason_kind'],
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'mp_batch_duration_seconds',
      help: 'Time to decode, handle and settle one batch',
      labelNames,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'mp_batch_size',
      help: 'Messages per batch',
      labelNames,
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers,
    });
    this.lag = new Gauge({
      name: 'mp_consumer_lag',
      help: 'Messages in the stream not yet delivered to the consumer (num_pending)',
      labelNames,
      registers,
    });
    this.ackPending = new Gauge({
      name: 'mp_consumer_ack_pending',
      help: 'Messages delivered to the consumer and not yet acknowledged (num_ack_pending)',
      labelNames,
      registers,
    });
    this.published = new Counter({
      name: 'mp_messages_published_total',
      help: 'Messages acknowledged by JetStream, by result (stored or duplicate)',
      labelNames: ['subject', 'result'],
      registers,
    });
    this.publishRetries = new Counter({
      name: 'mp_publish_retries_total',
      help: 'Publish attempts retried after a timeout, no responders or connection error',
      labelNames: ['subject'],
      registers,
    });
    this.publishFailures = new Counter({
      name: 'mp_publish_failures_total',
      help: 'Publishes that failed after every retry',
      labelNames: ['subject'],
      registers,
    });
    this.publishDuration = new Histogram({
      name: 'mp_publish_duration_seconds',
      help: 'Time from publish to PubAck, retries included',
      labelNames: ['subject'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
      registers,
    });
  }
}
