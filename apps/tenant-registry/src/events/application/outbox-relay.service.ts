// Publishes the outbox to JetStream: unpublished rows in id order, marked published after their PubAck.
// Polls (every 200 ms by default) and is nudged right after each commit; backs off exponentially while
// NATS (or the database) is unavailable, and nudges do not cut a backoff short.
import {
  Inject,
  Injectable,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { LOGGER, MetricsService, type Logger } from '@auraison/observability';
import { PollingLoop } from '@auraison/runtime';
import { Counter } from 'prom-client';
import { OUTBOX_PUBLISHER, type OutboxPublisher } from '../persistence/jetstream-outbox.publisher.js';
import { OutboxRepository, type OutboxMessage } from '../persistence/outbox.repository.js';
import { TenantChangeNotifier } from './tenant-change.notifier.js';

export interface OutboxRelayOptions {
  /** Poll interval when idle (default 200 ms). */
  pollMs: number;
  /** Rows per transaction (default 100). */
  batchSize: number;
  /** Longest backoff after repeated failures (default 30 s). */
  maxBackoffMs: number;
}
export const OUTBOX_RELAY_OPTIONS = Symbol('OUTBOX_RELAY_OPTIONS');

const DEFAULTS: OutboxRelayOptions = { pollMs: 200, batchSize: 100, maxBackoffMs: 30_000 };

@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly options: OutboxRelayOptions;
  private readonly published?: Counter<'result'>;
  private readonly loop: PollingLoop;

  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(OUTBOX_PUBLISHER) private readonly publisher: OutboxPublisher,
    private readonly notifier: TenantChangeNotifier,
    @Inject(LOGGER) logger: Logger,
    @Optional() @Inject(OUTBOX_RELAY_OPTIONS) options?: Partial<OutboxRelayOptions>,
    @Optional() metrics?: MetricsService,
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.loop = new PollingLoop({
      name: 'outbox relay',
      pollMs: this.options.pollMs,
      maxBackoffMs: this.options.maxBackoffMs,
      logger,
      round: async () => (await this.round()).claimed >= this.options.batchSize,
    });
    if (metrics)
      this.published = new Counter({
        name: 'tenant_registry_outbox_messages_total',
        help: 'Outbox messages handed to JetStream, by result (published, failed)',
        labelNames: ['result'],
        registers: [metrics.registry],
      });
  }

  onApplicationBootstrap(): void {
    this.notifier.subscribe(() => this.nudge());
    this.loop.start();
  }

  /** Finishes the batch in hand and stops (before NATS drains and the database closes). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Publish now rather than at the next poll (a change just committed). */
  nudge(): void {
    this.loop.nudge();
  }

  /** One transaction: publish a batch in order, stop at the first failure, mark what went out. */
  private async round(): Promise<{ claimed: number; published: number }> {
    const result = await this.outbox.processBatch(this.options.batchSize, async (messages) => {
      const published: number[] = [];
      for (const message of messages) {
        try {
          await this.publisher.publish(message);
        } catch (error) {
          this.published?.inc({ result: 'failed' });
          return { published, error: describe(message, error) };
        }
        published.push(message.id);
        this.published?.inc({ result: 'published' });
      }
      return { published };
    });
    if (result.error) throw result.error;
    return result;
  }
}

function describe(message: OutboxMessage, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`outbox message ${message.id} (event ${message.eventId}): ${reason}`);
}
