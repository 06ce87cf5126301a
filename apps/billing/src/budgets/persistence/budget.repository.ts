// Budgets per tenant and the budget_alerts outbox (one row per threshold crossed per period).
import { Injectable } from '@nestjs/common';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';
import type { TenantScope } from '@auraison/auth';

export interface Budget {
  tenantId: string;
  amountMicros: bigint;
  updatedAt: Date;
  updatedBy: string;
  reason: string;
}

export interface StoredCrossing {
  tenantId: string;
  periodStart: string;
  threshold: number;
  spendMicros: bigint;
  budgetMicros: bigint;
  crossedAt: Date;
  publishedAt: Date | null;
}

interface CrossingRow {
  tenant_id: string;
  period_start: string;
  threshold: number;
  spend_micros: string;
  budget_micros: string;
  crossed_at: Date;
  published_at: Date | null;
}

const toCrossing = (r: CrossingRow): StoredCrossing => ({
  tenantId: r.tenant_id,
  periodStart: r.period_start,
  threshold: r.threshold,
  spendMicros: BigInt(r.spend_micros),
  budgetMicros: BigInt(r.budget_micros),
  crossedAt: r.crossed_at,
  publishedAt: r.published_at,
});

const CROSSING_COLUMNS = `tenant_id, period_start::text AS period_start, threshold, spend_micros, budget_micros,
  crossed_at, published_at`;

@Injectable()
export class BudgetRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  async get(scope: TenantScope, db: Queryable = this.db): Promise<Budget | undefined> {
    const rows = await db.query<
      Array<{
        tenant_id: string;
        amount_micros: string;
        updated_at: Date;
        updated_by: string;
        reason: string;
      }>
    >(
      `SELECT tenant_id, amount_micros, updated_at, updated_by, reason FROM billing.budgets WHERE tenant_id = $1`,
      [scope.tenantId],
    );
    const r = rows[0];
    return r
      ? {
          tenantId: r.tenant_id,
          amountMicros: BigInt(r.amount_micros),
          updatedAt: r.updated_at,
          updatedBy: r.updated_by,
          reason: r.reason,
        }
      : undefined;
  }

  async upsert(scope: TenantScope, tx: Queryable, amount: bigint, by: string, reason: string): Promise<void> {
    await tx.query(
      `INSERT INTO billing.budgets (tenant_id, amount_micros, updated_by, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id) DO UPDATE SET amount_micros = excluded.amount_micros,
         updated_by = excluded.updated_by, reason = excluded.reason, updated_at = now()`,
      [scope.tenantId, amount.toString(), by, reason],
    );
  }

  async remove(scope: TenantScope, tx: Queryable): Promise<boolean> {
    const rows = await tx.query<unknown[]>(`DELETE FROM billing.budgets WHERE tenant_id = $1 RETURNING 1`, [
      scope.tenantId,
    ]);
    return rows.length > 0;
  }

  /**
   * Records the thresholds the period's spend has reached under the current budget (after a budget
   * change). Locks the period's total row first, in the order ingest does, so it sees every committed
   * increment and concurrent ingests wait for it.
   */
  async recordCrossings(scope: TenantScope, tx: Queryable, periodStart: string): Promise<number> {
    await tx.query(
      `SELECT 1 FROM billing.usage_totals
        WHERE tenant_id = $1 AND period_start = $2 AND dimension = 'tenant' AND key = '' FOR UPDATE`,
      [scope.tenantId, periodStart],
    );
    const rows = await tx.query<unknown[]>(
      `INSERT INTO billing.budget_alerts (tenant_id, period_start, threshold, spend_micros, budget_micros)
       SELECT t.tenant_id, t.period_start, th.pct, t.spend, b.amount_micros
         FROM (SELECT tenant_id, period_start,
                      input_cost + output_cost + cache_read_cost + cache_write_cost + gpu_cost + adjustment_micros
                        AS spend
                 FROM billing.usage_totals
                WHERE tenant_id = $1 AND period_start = $2 AND dimension = 'tenant' AND key = '') t
         JOIN billing.budgets b ON b.tenant_id = t.tenant_id
        CROSS JOIN (VALUES (50), (80), (100)) AS th (pct)
        WHERE t.spend::numeric * 100 >= b.amount_micros::numeric * th.pct
        ORDER BY 3
       ON CONFLICT DO NOTHING
       RETURNING 1`,
      [scope.tenantId, periodStart],
    );
    return rows.length;
  }

  /** Crossings of one tenant and period, threshold ascending. */
  async crossings(scope: TenantScope, periodStart: string): Promise<StoredCrossing[]> {
    const rows = await this.db.query<CrossingRow[]>(
      `SELECT ${CROSSING_COLUMNS} FROM billing.budget_alerts WHERE tenant_id = $1 AND period_start = $2
        ORDER BY threshold`,
      [scope.tenantId, periodStart],
    );
    return rows.map(toCrossing);
  }

  /** Unpublished crossings, oldest first, locked for this transaction (other replicas skip them). */
  async claimUnpublished(tx: Queryable, limit: number): Promise<StoredCrossing[]> {
    const rows = await tx.query<CrossingRow[]>(
      `SELECT ${CROSSING_COLUMNS} FROM billing.budget_alerts WHERE published_at IS NULL
        ORDER BY crossed_at, tenant_id, period_start, threshold LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(toCrossing);
  }

  async markPublished(tx: Queryable, c: StoredCrossing): Promise<void> {
    await tx.query(
      `UPDATE billing.budget_alerts SET published_at = now()
        WHERE tenant_id = $1 AND period_start = $2 AND threshold = $3`,
      [c.tenantId, c.periodStart, c.threshold],
    );
  }

  /** Spend (usage cost plus adjustments) of a tenant in a period. */
  async spend(scope: TenantScope, periodStart: string): Promise<bigint> {
    const rows = await this.db.query<Array<{ spend: string }>>(
      `SELECT input_cost + output_cost + cache_read_cost + cache_write_cost + gpu_cost + adjustment_micros AS spend
         FROM billing.usage_totals
        WHERE tenant_id = $1 AND period_start = $2 AND dimension = 'tenant' AND key = ''`,
      [scope.tenantId, periodStart],
    );
    return rows[0] ? BigInt(rows[0].spend) : 0n;
  }
}
