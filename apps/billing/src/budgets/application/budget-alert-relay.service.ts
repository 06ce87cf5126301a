// Publishes budget crossings to mp.alerts: the budget_alerts rows written in the transactions that
// crossed a threshold are the outbox. A round claims unpublished rows (FOR UPDATE SKIP LOCKED, so
// replicas never publish the same row at once), publishes each with Nats-Msg-Id = its event id and
// marks it published in the same transaction. A crash between the PubAck and the COMMIT leaves the
// row unpublished; the retry reuses the event id, which JetStream's duplicate window drops.
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { AlertMessage, SUBJECTS } from '@auraison/contracts';
import { exponentialDelay, JetStreamPublisher } from '@auraison/messaging';
import { LOGGER, type Logger } from '@auraison/observability';
import { TenantProjection } from '@auraison/tenancy';
import { BILLING_OPTIONS, type BillingOptions } from '../../common/billing-options.js';
import { periodFromStartDate } from '../../common/domain/period.js';
import { BillingMetrics } from '../../metrics/billing-metrics.js';
import { budgetAlert } from '../domain/budget-alert.js';
import { BudgetRepository } from '../persistence/budget.repository.js';

const BATCH = 100;
const MAX_BACKOFF_MS = 30_000;

@Injectable()
export class BudgetAlertRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running?: Promise<void>;
  private stopped = false;
  private nudged = false;
  private failures = 0;
  private wake?: () => void;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly budgets: BudgetRepository,
    private readonly publisher: JetStreamPublisher,
    private readonly tenants: TenantProjection,
    private readonly metrics: BillingMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(BILLING_OPTIONS) private readonly options: BillingOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.loop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  /** A crossing just committed: publish now rather than at the next poll. */
  nudge(): void {
    this.nudged = true;
    if (this.failures === 0) this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let delay = this.options.alertPollMs;
      this.nudged = false;
      try {
        const published = await this.round();
        this.failures = 0;
        if (published >= BATCH) delay = 0;
      } catch (err) {
        this.failures += 1;
        delay = exponentialDelay(this.failures, this.options.alertPollMs, MAX_BACKOFF_MS);
        if (this.failures === 1 || this.failures % 10 === 0)
          this.logger.warn(
            { err: (err as Error).message, failures: this.failures, retry_in_ms: delay },
            'budget alerts cannot be published, backing off',
          );
      }
      if (delay > 0 && !(this.nudged && this.failures === 0) && !this.stopped) await this.sleep(delay);
    }
  }

  private async round(): Promise<number> {
    return this.transactions.run(async (tx) => {
      const crossings = await this.budgets.claimUnpublished(tx, BATCH);
      for (const c of crossings) {
        const tenant = await this.tenants.get(c.tenantId);
        await this.publisher.publish(
          AlertMessage,
          SUBJECTS.alerts,
          budgetAlert({
            tenantId: c.tenantId,
            ...(tenant ? { tenantSlug: tenant.slug } : {}),
            period: periodFromStartDate(c.periodStart),
            threshold: c.threshold,
            spendMicros: c.spendMicros,
            budgetMicros: c.budgetMicros,
            crossedAt: c.crossedAt,
          }),
          { deadlineMs: 10_000 },
        );
        await this.budgets.markPublished(tx, c);
        tx.afterCommit(() => this.metrics.alertsSent.inc({ threshold: String(c.threshold) }));
      }
      return crossings.length;
    });
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
