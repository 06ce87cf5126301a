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
import { exponentialDelay } from '@auraison/messaging';
import { LOGGER, MetricsService, type Logger } from '@auraison/observability';
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
  private running?: Promise<void>;
  private stopped = false;
  private nudged = false;
  private failures = 0;
  private wake?: () => void;

  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(OUTBOX_PUBLISHER) private readonly publisher: OutboxPublisher,
    private readonly notifier: TenantChangeNotifier,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(OUTBOX_RELAY_OPTIONS) options?: Partial<OutboxRelayOptions>,
    @Optional() metrics?: MetricsService,
  ) {
    this.options = { ...DEFAULTS, ...options };
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
    this.running = this.loop();
  }

  /** Finishes the batch in hand and stops (before NATS drains and the database closes). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  /** Publish now rather than at the next poll (a change just committed). */
  nudge(): void {
    this.nudged = true;
    if (this.failures === 0) this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let delay = this.options.pollMs;
      this.nudged = false;
      try {
        const round = await this.round();
        if (this.failures > 0) this.logger.info({ after_failures: this.failures }, 'outbox relay recovered');
        this.failures = 0;
        if (round.claimed >= this.options.batchSize) delay = 0;
      } catch (err) {
        this.failures += 1;
        delay = exponentialDelay(this.failures, this.options.pollMs, this.options.maxBackoffMs);
        // Log the first failure and then every tenth, not every retry.
        if (this.failures === 1 || this.failures % 10 === 0)
          this.logger.warn(
            { err: (err as Error).message, failures: this.failures, retry_in_ms: delay },
            'outbox relay cannot publish, backing off',
          );
      }
      if (delay > 0 && !(this.nudged && this.failures === 0) && !this.stopped) await this.sleep(delay);
    }
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

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
    });
    this.wake = undefined;
  }
}

function describe(message: OutboxMessage, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`outbox message ${message.id} (event ${message.eventId}): ${reason}`);
}
