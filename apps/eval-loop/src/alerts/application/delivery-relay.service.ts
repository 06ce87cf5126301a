// Sends the deliveries outbox: NATS messages (EvaluationSummary, Alert) in order through the messaging
// library (Nats-Msg-Id = event id, so a crash between publishing and marking never yields a second
// copy), and webhooks signed with the rule's secret, each retried with backoff (1 s, 2 s, 4 s ... at
// most 10 min apart) until it is acknowledged with a 2xx or has had its last attempt.
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { MESSAGE_TYPES } from '@auraison/contracts';
import { errorMessage, JetStreamPublisher } from '@auraison/messaging';
import { LOGGER, type Logger } from '@auraison/observability';
import { EVAL_OPTIONS, type EvalOptions } from '../../common/eval-options.js';
import { EvalMetrics } from '../../common/eval-metrics.js';
import { PollingLoop } from '@auraison/runtime';
import { webhookRetryDelayMs } from '../domain/webhook-signature.js';
import { AlertRuleRepository } from '../persistence/alert-rule.repository.js';
import {
  DeliveryRepository,
  type NatsDelivery,
  type WebhookDelivery,
  type WebhookResult,
} from '../persistence/delivery.repository.js';
import { WebhookRefused, WebhookSender } from './webhook-sender.js';

/** Attempts of a webhook delivery before it is abandoned (about 1.7 h of retries). */
export const WEBHOOK_MAX_ATTEMPTS = 15;
const NATS_BATCH = 100;
const WEBHOOK_BATCH = 20;
/** One publish attempt's budget: short, so the relay backs off (and shuts down) promptly. */
const PUBLISH_DEADLINE_MS = 5000;

@Injectable()
export class DeliveryRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly nats: PollingLoop;
  private readonly webhooks: PollingLoop;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly rules: AlertRuleRepository,
    private readonly publisher: JetStreamPublisher,
    private readonly sender: WebhookSender,
    private readonly metrics: EvalMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVAL_OPTIONS) options: EvalOptions,
  ) {
    const pollMs = Math.min(options.pollMs, 200);
    this.nats = new PollingLoop({
      name: 'eval-loop NATS relay',
      pollMs,
      maxBackoffMs: 30_000,
      logger,
      round: async () => this.natsRound(),
    });
    this.webhooks = new PollingLoop({
      name: 'eval-loop webhook relay',
      pollMs: Math.max(pollMs, 500),
      maxBackoffMs: 30_000,
      logger,
      round: async () => this.webhookRound(),
    });
  }

  onApplicationBootstrap(): void {
    this.nats.start();
    this.webhooks.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.nats.stop(), this.webhooks.stop()]);
  }

  /** Deliver now rather than at the next poll (deliveries just committed). */
  nudge(): void {
    this.nats.nudge();
    this.webhooks.nudge();
  }

  private async natsRound(): Promise<boolean> {
    const result = await this.deliveries.relayNats(NATS_BATCH, async (batch) => this.publish(batch));
    if (result.error) throw result.error;
    return result.claimed >= NATS_BATCH;
  }

  private async publish(batch: NatsDelivery[]): Promise<{ published: number[]; error?: Error }> {
    const published: number[] = [];
    for (const d of batch) {
      const type = MESSAGE_TYPES[d.messageType];
      try {
        if (!type) throw new Error(`unknown message type ${d.messageType}`);
        await this.publisher.publish(type, d.subject, type.decode(d.payload), {
          deadlineMs: PUBLISH_DEADLINE_MS,
        });
      } catch (e) {
        this.metrics.deliveries.inc({ target: 'nats', result: 'retried' });
        // Stop at the first failure: later messages wait, so they still leave in order.
        return { published, error: new Error(`delivery ${d.id} (${d.eventId}): ${errorMessage(e)}`) };
      }
      published.push(d.id);
      this.metrics.deliveries.inc({ target: 'nats', result: 'delivered' });
    }
    return { published };
  }

  private async webhookRound(): Promise<boolean> {
    const result = await this.deliveries.relayWebhooks(WEBHOOK_BATCH, async (batch) => {
      const outcomes = await Promise.all(batch.map(async (d) => [d.id, await this.call(d)] as const));
      return new Map(outcomes);
    });
    return result.claimed >= WEBHOOK_BATCH;
  }

  private async call(d: WebhookDelivery): Promise<WebhookResult> {
    const attempt = d.attempts + 1;
    const target = await this.rules.webhookTarget(d.ruleId);
    if (!target?.secret) return this.abandon(d, 'the rule has no webhook (or no secret) any more');
    let problem: string;
    let retryAfterMs = 0;
    try {
      const res = await this.sender.send(target.url, target.secret, d.eventId, d.body);
      if (res.status >= 200 && res.status < 300) {
        this.metrics.deliveries.inc({ target: 'webhook', result: 'delivered' });
        return { ok: true };
      }
      problem = `HTTP ${res.status}`;
      retryAfterMs = (res.retryAfterSeconds ?? 0) * 1000;
    } catch (e) {
      if (e instanceof WebhookRefused) return this.abandon(d, e.message);
      problem = errorMessage(e);
    }
    // The URL is the tenant's, so it may carry a token: log the rule and the event, never the URL.
    if (attempt >= WEBHOOK_MAX_ATTEMPTS) return this.abandon(d, `${problem} (after ${attempt} attempts)`);
    this.metrics.deliveries.inc({ target: 'webhook', result: 'retried' });
    this.logger.warn(
      { rule_id: d.ruleId, event_id: d.eventId, attempt, problem },
      'webhook delivery failed, will retry',
    );
    const delay = Math.max(webhookRetryDelayMs(attempt), Math.min(retryAfterMs, 3_600_000));
    return { ok: false, error: problem, retryAt: new Date(Date.now() + delay) };
  }

  private abandon(d: WebhookDelivery, reason: string): WebhookResult {
    this.metrics.deliveries.inc({ target: 'webhook', result: 'abandoned' });
    this.logger.error({ rule_id: d.ruleId, event_id: d.eventId, reason }, 'webhook delivery abandoned');
    return { ok: false, error: reason };
  }
}
