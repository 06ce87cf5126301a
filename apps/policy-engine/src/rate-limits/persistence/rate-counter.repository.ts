// Rate counters per (tenant, role, kind, one-minute window), shared by every replica. Increments
// check the limit in the same statement (ON CONFLICT ... DO UPDATE ... WHERE), so concurrent callers
// on any replica can never push a window past it.
import { Injectable } from '@nestjs/common';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';
import type { RateKind } from '../domain/sliding-window.js';

export interface RateKey {
  tenantId: string;
  agentRole: string;
  kind: RateKind;
}

@Injectable()
export class RateCounterRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  /** Amounts of the window starting at `current` and of the one before it. */
  async read(key: RateKey, current: Date): Promise<{ previous: number; current: number }> {
    const rows = await this.db.query<Array<{ window_start: Date; amount: string }>>(
      `SELECT window_start, amount FROM policy.rate_counters
        WHERE tenant_id = $1 AND agent_role = $2 AND kind = $3 AND window_start IN ($4, $5)`,
      [key.tenantId, key.agentRole, key.kind, new Date(current.getTime() - 60_000), current],
    );
    let previous = 0;
    let now = 0;
    for (const r of rows) {
      if (r.window_start.getTime() === current.getTime()) now = Number(r.amount);
      else previous = Number(r.amount);
    }
    return { previous, current: now };
  }

  /**
   * Adds `amount` to the window when the window's new amount stays within `capacity`; returns the
   * new amount, or undefined when it would not fit (nothing is added then).
   */
  async addWithin(key: RateKey, window: Date, amount: number, capacity: number): Promise<number | undefined> {
    if (amount > capacity) return undefined;
    const rows = await this.db.query<Array<{ amount: string }>>(
      `INSERT INTO policy.rate_counters (tenant_id, agent_role, kind, window_start, amount)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, agent_role, kind, window_start) DO UPDATE
         SET amount = policy.rate_counters.amount + excluded.amount
         WHERE policy.rate_counters.amount + excluded.amount <= $6
       RETURNING amount`,
      [key.tenantId, key.agentRole, key.kind, window, amount, capacity],
    );
    return rows[0] ? Number(rows[0].amount) : undefined;
  }

  /** Adds amounts unconditionally (token usage reported by events); one entry per key and window. */
  async add(
    tx: Queryable,
    entries: ReadonlyArray<RateKey & { window: Date; amount: number }>,
  ): Promise<void> {
    const rows = entries.filter((e) => e.amount > 0);
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO policy.rate_counters (tenant_id, agent_role, kind, window_start, amount)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::bigint[])
       ON CONFLICT (tenant_id, agent_role, kind, window_start) DO UPDATE
         SET amount = policy.rate_counters.amount + excluded.amount`,
      [
        rows.map((e) => e.tenantId),
        rows.map((e) => e.agentRole),
        rows.map((e) => e.kind),
        rows.map((e) => e.window),
        rows.map((e) => e.amount),
      ],
    );
  }

  /** Deletes windows older than `before` (any tenant). */
  async prune(before: Date): Promise<number> {
    const rows = await this.db.query<unknown[]>(
      `DELETE FROM policy.rate_counters WHERE window_start < $1 RETURNING 1`,
      [before],
    );
    return rows.length;
  }
}
