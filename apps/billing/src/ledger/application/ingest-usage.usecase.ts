// One batch of usage events → usage lines, aggregates and budget crossings, in ONE transaction:
//   lock the price book (shared) → read its version and the batch's tenants → price every line at the
//   rate in force at its timestamp → one INSERT ... ON CONFLICT DO NOTHING statement that also updates
//   the aggregates and records budget crossings for what it actually inserted.
// Idempotent on event id with no time window: a line already in the ledger (redelivery, duplicate
// published later, another replica) conflicts and adds nothing. Events refused on semantic grounds are
// returned as `rejected` (the messaging library dead-letters them with the reason; the rest is acked).
import { Inject, Injectable } from '@nestjs/common';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';
import type { BatchResult } from '@auraison/messaging';
import { BILLING_OPTIONS, type BillingOptions } from '../../common/billing-options.js';
import { periodStartDate } from '../../common/domain/period.js';
import { BudgetAlertRelay } from '../../budgets/application/budget-alert-relay.service.js';
import { BillingMetrics } from '../../metrics/billing-metrics.js';
import { PriceBookService } from '../../price-book/application/price-book.service.js';
import { PriceBookRepository } from '../../price-book/persistence/price-book.repository.js';
import { priceLine, type Conversion, type UsageLine, type UsageSource } from '../domain/usage-line.js';
import { LedgerRepository, type LedgerLine } from '../persistence/ledger.repository.js';
import { TenantProjectionBehind, TenantProjectionStatus } from './tenant-projection-status.js';

export interface UsageEventInput {
  eventId: string;
  /** When JetStream stored the event (for the ingest-lag metric). */
  publishedAt: Date;
  conversion: Conversion;
}

@Injectable()
export class IngestUsage {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly ledger: LedgerRepository,
    private readonly prices: PriceBookRepository,
    private readonly books: PriceBookService,
    private readonly tenants: TenantProjectionStatus,
    private readonly alerts: BudgetAlertRelay,
    private readonly metrics: BillingMetrics,
    @Inject(BILLING_OPTIONS) private readonly options: BillingOptions,
  ) {}

  get limits(): BillingOptions['limits'] {
    return this.options.limits;
  }

  async execute(source: UsageSource, events: readonly UsageEventInput[]): Promise<BatchResult> {
    const rejected: Array<{ eventId: string; reason: string }> = [];
    const byId = new Map<string, UsageLine>();
    for (const e of events) {
      if (e.conversion.kind === 'reject') rejected.push({ eventId: e.eventId, reason: e.conversion.reason });
      else if (e.conversion.kind === 'line') byId.set(e.eventId, e.conversion.line);
    }
    const lines = [...byId.values()];
    const invalid = rejected.length;
    let unknownTenant = 0;
    let result = { inserted: 0, unpriced: 0, alerts: 0 };
    if (lines.length > 0) {
      result = await this.transactions.run(async (tx) => {
        await this.prices.lockForPricing(tx);
        const tenantIds = [...new Set(lines.map((l) => l.tenantId))];
        const { version, anchors } = await this.ledger.context(tx, tenantIds);
        const unknown = await this.confirmUnknown(
          tx,
          tenantIds.filter((t) => !anchors.has(t)),
          anchors,
        );
        const book = await this.books.atVersion(version, tx);
        const rows: LedgerLine[] = [];
        for (const line of lines) {
          const anchor = anchors.get(line.tenantId);
          if (anchor === undefined || unknown.has(line.tenantId)) {
            unknownTenant++;
            rejected.push({
              eventId: line.eventId,
              reason: `tenant_id ${line.tenantId} is not a tenant billing knows (no TenantEvent for it on mp.tenant.events)`,
            });
            continue;
          }
          rows.push({
            ...line,
            ...priceLine(line, book),
            periodStart: periodStartDate(line.occurredAt, anchor),
          });
        }
        const written = await this.ledger.insertLines(tx, rows);
        if (written.alerts > 0) tx.afterCommit(() => this.alerts.nudge());
        return written;
      });
    }
    this.record(source, events, { invalid, unknownTenant, ...result });
    return rejected.length > 0 ? { rejected } : {};
  }

  /**
   * Of `missing` tenants, those that stay unknown once the tenant projection has caught up; throws
   * TenantProjectionBehind (the batch is retried) while TenantEvents are still pending.
   */
  private async confirmUnknown(
    tx: Queryable,
    missing: string[],
    anchors: Map<string, number>,
  ): Promise<Set<string>> {
    if (missing.length === 0) return new Set();
    if (!(await this.tenants.caughtUp())) throw new TenantProjectionBehind(missing);
    // A TenantEvent may have been applied between the first read and the check: read again.
    const again = await this.ledger.context(tx, missing);
    for (const [id, anchor] of again.anchors) anchors.set(id, anchor);
    return new Set(missing.filter((t) => !anchors.has(t)));
  }

  private record(
    source: UsageSource,
    events: readonly UsageEventInput[],
    counts: { invalid: number; unknownTenant: number; inserted: number; unpriced: number },
  ): void {
    const m = this.metrics;
    if (counts.inserted - counts.unpriced > 0)
      m.linesWritten.inc({ source, priced: 'true' }, counts.inserted - counts.unpriced);
    if (counts.unpriced > 0) m.linesWritten.inc({ source, priced: 'false' }, counts.unpriced);
    const billable = events.filter((e) => e.conversion.kind === 'line').length - counts.unknownTenant;
    if (billable > counts.inserted) m.duplicates.inc({ source }, billable - counts.inserted);
    if (counts.invalid > 0) m.rejected.inc({ source, reason: 'invalid' }, counts.invalid);
    if (counts.unknownTenant > 0) m.rejected.inc({ source, reason: 'unknown_tenant' }, counts.unknownTenant);
    const now = Date.now();
    const lag = m.ingestLag.labels({ source });
    for (const e of events) lag.observe(Math.max(0, now - e.publishedAt.getTime()) / 1000);
  }
}
