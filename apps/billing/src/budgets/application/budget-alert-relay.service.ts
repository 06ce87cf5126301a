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
import { JetStreamPublisher } from '@auraison/messaging';
import { LOGGER, type Logger } from '@auraison/observability';
import { PollingLoop } from '@auraison/runtime';
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
  private readonly loop: PollingLoop;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly budgets: BudgetRepository,
    private readonly publisher: JetStreamPublisher,
    private readonly tenants: TenantProjection,
    private readonly metrics: BillingMetrics,
    @Inject(LOGGER) logger: Logger,
    @Inject(BILLING_OPTIONS) options: BillingOptions,
  ) {
    this.loop = new PollingLoop({
      name: 'budget alert relay',
      pollMs: options.alertPollMs,
      maxBackoffMs: MAX_BACKOFF_MS,
      logger,
      round: async () => (await this.round()) >= BATCH,
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** A crossing just committed: publish now rather than at the next poll. */
  nudge(): void {
    this.loop.nudge();
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
}
