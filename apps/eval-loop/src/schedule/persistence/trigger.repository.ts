// What the triggers keep: the inbox of counted execution events (each event id once, whatever the
// redeliveries), the per-tenant execution counters, and the schedule fires already handled.
import { Injectable } from '@nestjs/common';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';

/** Inbox consumer name of the every-N trigger. */
export const EXECUTION_COUNTER_CONSUMER = 'eval-execution-counter';

@Injectable()
export class TriggerRepository {
  constructor(private readonly tx: TransactionRunner) {}

  /** Records the event ids; returns those never recorded before. */
  async recordNew(db: Queryable, eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await db.query<Array<{ event_id: string }>>(
      `INSERT INTO eval_loop.inbox (consumer, event_id) SELECT $1, e FROM unnest($2::text[]) AS e
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [EXECUTION_COUNTER_CONSUMER, [...new Set(eventIds)]],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /** Adds to the tenants' counters; returns each tenant's new count. */
  async addExecutions(db: Queryable, counts: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    if (counts.size === 0) return new Map();
    const rows = await db.query<Array<{ tenant_id: string; pending: number }>>(
      `INSERT INTO eval_loop.execution_counters (tenant_id, pending)
       SELECT t, n FROM unnest($1::uuid[], $2::int[]) AS x(t, n)
       ON CONFLICT (tenant_id) DO UPDATE SET pending = eval_loop.execution_counters.pending + excluded.pending,
         updated_at = now()
       RETURNING tenant_id, pending`,
      [[...counts.keys()], [...counts.values()]],
    );
    return new Map(rows.map((r) => [r.tenant_id, r.pending]));
  }

  async resetExecutions(db: Queryable, tenantId: string): Promise<void> {
    await db.query(
      `UPDATE eval_loop.execution_counters SET pending = 0, updated_at = now() WHERE tenant_id = $1`,
      [tenantId],
    );
  }

  async pendingExecutions(tenantId: string): Promise<number> {
    const rows = await this.tx.queryable.query<Array<{ pending: number }>>(
      `SELECT pending FROM eval_loop.execution_counters WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0]?.pending ?? 0;
  }

  /** Claims a schedule fire: true for the one replica that records it first. */
  async claimFire(db: Queryable, fireTime: Date, tenants: number): Promise<boolean> {
    const rows = await db.query<unknown[]>(
      `INSERT INTO eval_loop.schedule_fires (fire_time, tenants) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING fire_time`,
      [fireTime, tenants],
    );
    return rows.length === 1;
  }

  /** Drops bookkeeping older than `days`: counted event ids, old fires, finished deliveries. */
  async prune(days: number): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [name, sql] of [
      [
        'inbox',
        `DELETE FROM eval_loop.inbox WHERE received_at < now() - make_interval(days => $1) RETURNING 1`,
      ],
      [
        'schedule_fires',
        `DELETE FROM eval_loop.schedule_fires WHERE fire_time < now() - make_interval(days => $1) RETURNING 1`,
      ],
      [
        'deliveries',
        `DELETE FROM eval_loop.deliveries
          WHERE COALESCE(delivered_at, abandoned_at) < now() - make_interval(days => $1) RETURNING 1`,
      ],
    ] as const)
      out[name] = (await this.tx.queryable.query<unknown[]>(sql, [days])).length;
    return out;
  }
}
