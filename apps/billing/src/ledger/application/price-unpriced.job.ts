// Prices unpriced usage once a rate appears. Runs right after a price change committed in this replica,
// and in every replica whenever its periodic check sees a price-book version it has not swept yet
// (a change made through another replica). Each chunk is one transaction that holds the price-book lock
// shared, claims unpriced lines FOR UPDATE SKIP LOCKED (replicas sweeping at once split the work) and
// prices those it can, adding their cost to the aggregates; `cost IS NULL` in the UPDATE makes a line
// priced at most once.
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { LOGGER, type Logger } from '@auraison/observability';
import { BILLING_OPTIONS, type BillingOptions } from '../../common/billing-options.js';
import { BudgetAlertRelay } from '../../budgets/application/budget-alert-relay.service.js';
import { BillingMetrics } from '../../metrics/billing-metrics.js';
import { PriceBookChanges } from '../../price-book/application/price-book-changes.js';
import { PriceBookService } from '../../price-book/application/price-book.service.js';
import { PriceBookRepository } from '../../price-book/persistence/price-book.repository.js';
import { priceLine } from '../domain/usage-line.js';
import { LedgerRepository } from '../persistence/ledger.repository.js';

const CHUNK = 500;

@Injectable()
export class PriceUnpricedJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Price-book version of the last complete sweep (0: never swept). */
  private sweptVersion = 0;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private again = false;
  private stopped = false;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly ledger: LedgerRepository,
    private readonly prices: PriceBookRepository,
    private readonly books: PriceBookService,
    private readonly changes: PriceBookChanges,
    private readonly alerts: BudgetAlertRelay,
    private readonly metrics: BillingMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(BILLING_OPTIONS) private readonly options: BillingOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.readUnpricedFrom(async () => this.ledger.unpricedCount());
    this.changes.subscribe(() => this.trigger(true));
    this.timer = setInterval(() => this.trigger(false), this.options.pricingIntervalMs);
    this.timer.unref();
    this.trigger(false);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Sweeps now (force) or when the price book moved since the last sweep. */
  trigger(force: boolean): void {
    if (this.stopped) return;
    if (this.running) {
      this.again ||= force;
      return;
    }
    this.running = this.sweepIfChanged(force)
      .catch((err: unknown) => {
        this.logger.warn({ err: (err as Error).message }, 'pricing unpriced usage failed; retrying later');
      })
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.trigger(true);
        }
      });
  }

  /** Resolves when the sweep in progress (if any) is done (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async sweepIfChanged(force: boolean): Promise<void> {
    const version = await this.prices.currentVersion();
    if (!force && version === this.sweptVersion) return;
    const priced = await this.sweep();
    this.sweptVersion = version;
    if (priced > 0) this.logger.info({ priced, price_book_version: version }, 'priced unpriced usage');
  }

  /** One pass over every unpriced line; returns how many it priced. */
  async sweep(): Promise<number> {
    let after: { source: string; eventId: string } | undefined;
    let total = 0;
    while (!this.stopped) {
      const chunk = await this.transactions.run(async (tx) => {
        await this.prices.lockForPricing(tx);
        const lines = await this.ledger.claimUnpriced(tx, after, CHUNK);
        if (lines.length === 0) return { claimed: 0, priced: 0 };
        const book = await this.books.atVersion(await this.prices.currentVersion(tx), tx);
        const priced = lines
          .map((line) => ({ source: line.source, eventId: line.eventId, ...priceLine(line, book) }))
          .filter((l) => l.cost !== null);
        const last = lines[lines.length - 1]!;
        after = { source: last.source, eventId: last.eventId };
        const result = await this.ledger.priceLines(tx, priced);
        if (result.alerts > 0) tx.afterCommit(() => this.alerts.nudge());
        return { claimed: lines.length, priced: result.priced };
      });
      total += chunk.priced;
      if (chunk.priced > 0) this.metrics.pricedLater.inc(chunk.priced);
      if (chunk.claimed < CHUNK) break;
    }
    return total;
  }
}
