// Re-pricing runs and their adjustment lines. A run reads every priced line of one tenant's period
// (through a cursor: one pass, bounded memory) with the adjustments already made to it, and writes an
// adjustment line wherever the current price book gives a different cost. Lines themselves are never
// changed; the run row is the audit record (who, why, with which price-book version, what it changed).
import { Injectable } from '@nestjs/common';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';
import type { TenantScope } from '@auraison/auth';
import type { BillingPeriod } from '../../common/domain/period.js';
import type { UsageLine, UsageSource } from '../../ledger/domain/usage-line.js';
import { TOTALS_CTES } from '../../ledger/persistence/totals-sql.js';

/** A priced line with what it costs now (its cost plus every adjustment so far), per class. */
export interface RepricableLine extends UsageLine {
  periodStart: string;
  rateVersion: number;
  current: ClassAmounts;
}

export interface ClassAmounts {
  input: bigint;
  output: bigint;
  cacheRead: bigint;
  cacheWrite: bigint;
  gpu: bigint;
}

export interface Adjustment {
  line: RepricableLine;
  rateVersion: number;
  delta: ClassAmounts;
}

export interface RepriceRun {
  id: number;
  tenantId: string;
  periodStart: string;
  priceBookVersion: number;
  requestedBy: string;
  reason: string;
  linesExamined: number;
  linesAdjusted: number;
  deltaMicros: bigint;
  createdAt: Date;
}

interface RunRow {
  id: string;
  tenant_id: string;
  period_start: string;
  price_book_version: string;
  requested_by: string;
  reason: string;
  lines_examined: string;
  lines_adjusted: string;
  delta_micros: string;
  created_at: Date;
}

const RUN_COLUMNS = `id, tenant_id, period_start::text AS period_start, price_book_version, requested_by, reason,
  lines_examined, lines_adjusted, delta_micros, created_at`;

const toRun = (r: RunRow): RepriceRun => ({
  id: Number(r.id),
  tenantId: r.tenant_id,
  periodStart: r.period_start,
  priceBookVersion: Number(r.price_book_version),
  requestedBy: r.requested_by,
  reason: r.reason,
  linesExamined: Number(r.lines_examined),
  linesAdjusted: Number(r.lines_adjusted),
  deltaMicros: BigInt(r.delta_micros),
  createdAt: r.created_at,
});

interface LineRow {
  source: UsageSource;
  event_id: string;
  tenant_id: string;
  period_start: string;
  occurred_at: Date;
  user_id: string | null;
  job_id: string;
  agent_role: string;
  model: string;
  environment: string;
  input_tokens: string;
  output_tokens: string;
  cache_read_tokens: string;
  cache_write_tokens: string;
  gpu_ms: string;
  rate_version: string;
  input_now: string;
  output_now: string;
  cache_read_now: string;
  cache_write_now: string;
  gpu_now: string;
}

const INSERT_ADJUSTMENTS = `
INSERT INTO billing.usage_adjustments (reprice_id, source, event_id, tenant_id, period_start, occurred_at,
  user_id, job_id, agent_role, model, environment, rate_version, input_delta, output_delta, cache_read_delta,
  cache_write_delta, gpu_delta, delta)
SELECT $1, source, event_id, tenant_id, period_start, occurred_at, user_id, job_id, agent_role, model,
       environment, rate_version, input_delta, output_delta, cache_read_delta, cache_write_delta, gpu_delta,
       input_delta + output_delta + cache_read_delta + cache_write_delta + gpu_delta
  FROM unnest($2::text[], $3::text[], $4::uuid[], $5::date[], $6::timestamptz[], $7::uuid[], $8::text[],
              $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[],
              $16::bigint[], $17::bigint[])
    AS u (source, event_id, tenant_id, period_start, occurred_at, user_id, job_id, agent_role, model,
          environment, rate_version, input_delta, output_delta, cache_read_delta, cache_write_delta, gpu_delta)`;

// All of a run's adjustments reach the aggregates in one statement at its end: its row locks are then
// taken in key order at once, like ingest's, so the two never deadlock.
const APPLY_RUN = `
WITH delta AS (
  SELECT tenant_id, period_start, user_id, job_id, agent_role, model, environment,
         0 AS events, 0 AS unpriced_events, 0 AS input_tokens, 0 AS output_tokens, 0 AS cache_read_tokens,
         0 AS cache_write_tokens, 0 AS gpu_ms, 0 AS input_cost, 0 AS output_cost, 0 AS cache_read_cost,
         0 AS cache_write_cost, 0 AS gpu_cost, delta AS adjustment_micros
    FROM billing.usage_adjustments
   WHERE reprice_id = $1
)${TOTALS_CTES}
SELECT (SELECT count(*) FROM crossed)::int AS alerts`;

@Injectable()
export class RepriceRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  /** Serializes re-pricing runs of one tenant and period (transaction-scoped advisory lock). */
  async lockPeriod(scope: TenantScope, tx: Queryable, periodStart: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `billing.reprice:${scope.tenantId}:${periodStart}`,
    ]);
  }

  async nextRunId(tx: Queryable): Promise<number> {
    const rows = await tx.query<Array<{ id: string }>>(`SELECT nextval('billing.reprice_run_ids') AS id`);
    return Number(rows[0]!.id);
  }

  /** Calls `each` with chunks of the period's priced lines and what each costs now. */
  async forEachPricedLine(
    scope: TenantScope,
    tx: Queryable,
    period: BillingPeriod,
    chunkSize: number,
    each: (lines: RepricableLine[]) => Promise<void>,
  ): Promise<void> {
    await tx.query(
      `DECLARE billing_reprice NO SCROLL CURSOR FOR
       SELECT l.source, l.event_id, l.tenant_id, l.period_start::text AS period_start, l.occurred_at, l.user_id,
              l.job_id, l.agent_role, l.model, l.environment, l.input_tokens, l.output_tokens,
              l.cache_read_tokens, l.cache_write_tokens, l.gpu_ms, l.rate_version,
              l.input_cost + COALESCE(a.input, 0) AS input_now,
              l.output_cost + COALESCE(a.output, 0) AS output_now,
              l.cache_read_cost + COALESCE(a.cache_read, 0) AS cache_read_now,
              l.cache_write_cost + COALESCE(a.cache_write, 0) AS cache_write_now,
              l.gpu_cost + COALESCE(a.gpu, 0) AS gpu_now
         FROM billing.usage_lines l
         LEFT JOIN (SELECT source, event_id, sum(input_delta) AS input, sum(output_delta) AS output,
                           sum(cache_read_delta) AS cache_read, sum(cache_write_delta) AS cache_write,
                           sum(gpu_delta) AS gpu
                      FROM billing.usage_adjustments
                     WHERE tenant_id = $1 AND period_start = $2
                     GROUP BY source, event_id) a USING (source, event_id)
        WHERE l.tenant_id = $1 AND l.period_start = $2 AND l.cost IS NOT NULL
          AND l.occurred_at >= $3 AND l.occurred_at < $4`,
      [scope.tenantId, period.startDate, period.start.toISOString(), period.end.toISOString()],
    );
    try {
      for (;;) {
        const rows = await tx.query<LineRow[]>(`FETCH ${chunkSize} FROM billing_reprice`);
        if (rows.length === 0) break;
        await each(
          rows.map((r) => ({
            source: r.source,
            eventId: r.event_id,
            tenantId: r.tenant_id,
            periodStart: r.period_start,
            occurredAt: r.occurred_at,
            userId: r.user_id,
            jobId: r.job_id,
            agentRole: r.agent_role,
            model: r.model,
            environment: r.environment,
            inputTokens: BigInt(r.input_tokens),
            outputTokens: BigInt(r.output_tokens),
            cacheReadTokens: BigInt(r.cache_read_tokens),
            cacheWriteTokens: BigInt(r.cache_write_tokens),
            gpuMs: BigInt(r.gpu_ms),
            rateVersion: Number(r.rate_version),
            current: {
              input: BigInt(r.input_now),
              output: BigInt(r.output_now),
              cacheRead: BigInt(r.cache_read_now),
              cacheWrite: BigInt(r.cache_write_now),
              gpu: BigInt(r.gpu_now),
            },
          })),
        );
        if (rows.length < chunkSize) break;
      }
    } finally {
      await tx.query(`CLOSE billing_reprice`);
    }
  }

  /** Writes adjustment lines of run `runId` (the aggregates follow in applyRun). */
  async insertAdjustments(tx: Queryable, runId: number, adjustments: readonly Adjustment[]): Promise<void> {
    if (adjustments.length === 0) return;
    const a = adjustments;
    await tx.query(INSERT_ADJUSTMENTS, [
      runId,
      a.map((x) => x.line.source),
      a.map((x) => x.line.eventId),
      a.map((x) => x.line.tenantId),
      a.map((x) => x.line.periodStart),
      a.map((x) => x.line.occurredAt.toISOString()),
      a.map((x) => x.line.userId),
      a.map((x) => x.line.jobId),
      a.map((x) => x.line.agentRole),
      a.map((x) => x.line.model),
      a.map((x) => x.line.environment),
      a.map((x) => String(x.rateVersion)),
      a.map((x) => x.delta.input.toString()),
      a.map((x) => x.delta.output.toString()),
      a.map((x) => x.delta.cacheRead.toString()),
      a.map((x) => x.delta.cacheWrite.toString()),
      a.map((x) => x.delta.gpu.toString()),
    ]);
  }

  /** Adds every adjustment of run `runId` to the aggregates; returns the budget thresholds crossed. */
  async applyRun(tx: Queryable, runId: number): Promise<number> {
    const rows = await tx.query<Array<{ alerts: number }>>(APPLY_RUN, [runId]);
    return rows[0]!.alerts;
  }

  async insertRun(tx: Queryable, run: Omit<RepriceRun, 'createdAt'>): Promise<RepriceRun> {
    const rows = await tx.query<RunRow[]>(
      `INSERT INTO billing.reprice_runs (id, tenant_id, period_start, price_book_version, requested_by, reason,
         lines_examined, lines_adjusted, delta_micros)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       RETURNING ${RUN_COLUMNS}`,
      [
        run.id,
        run.tenantId,
        run.periodStart,
        run.priceBookVersion,
        run.requestedBy,
        run.reason,
        run.linesExamined,
        run.linesAdjusted,
        run.deltaMicros.toString(),
      ],
    );
    return toRun(rows[0]!);
  }

  /** Runs of one tenant (optionally one period), newest first. */
  async runs(scope: TenantScope, periodStart?: string): Promise<RepriceRun[]> {
    const rows = await this.db.query<RunRow[]>(
      `SELECT ${RUN_COLUMNS} FROM billing.reprice_runs
        WHERE tenant_id = $1 AND ($2::date IS NULL OR period_start = $2)
        ORDER BY id DESC LIMIT 200`,
      [scope.tenantId, periodStart ?? null],
    );
    return rows.map(toRun);
  }
}
