// Reads of the ledger and its aggregates, always filtered by a TenantScope (or, for the platform-wide
// unpriced report, a PlatformScope).
import { Injectable } from '@nestjs/common';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';
import type { PlatformScope, TenantScope } from '@auraison/auth';
import type { UsageSource } from '../../ledger/domain/usage-line.js';

export type Dimension = 'tenant' | 'job' | 'user' | 'agent_role' | 'model' | 'environment';

/** Counters of one aggregate row (or a sum of them). */
export interface UsageFigures {
  events: bigint;
  unpricedEvents: bigint;
  inputTokens: bigint;
  outputTokens: bigint;
  cacheReadTokens: bigint;
  cacheWriteTokens: bigint;
  gpuMs: bigint;
  inputCost: bigint;
  outputCost: bigint;
  cacheReadCost: bigint;
  cacheWriteCost: bigint;
  gpuCost: bigint;
  adjustments: bigint;
}

export interface TotalsRow extends UsageFigures {
  dimension: Dimension;
  key: string;
}

export interface Breakdowns {
  total: UsageFigures;
  /** Per dimension: the top rows by cost and how many rows there are. */
  breakdowns: Map<Dimension, { rows: TotalsRow[]; count: number }>;
}

export interface LedgerRow {
  source: UsageSource;
  eventId: string;
  periodStart: string;
  occurredAt: Date;
  userId: string | null;
  jobId: string;
  agentRole: string;
  model: string;
  environment: string;
  inputTokens: bigint;
  outputTokens: bigint;
  cacheReadTokens: bigint;
  cacheWriteTokens: bigint;
  gpuMs: bigint;
  rateVersion: number | null;
  inputCost: bigint;
  outputCost: bigint;
  cacheReadCost: bigint;
  cacheWriteCost: bigint;
  gpuCost: bigint;
  cost: bigint | null;
}

export interface AdjustmentRow {
  repriceId: number;
  source: UsageSource;
  eventId: string;
  rateVersion: number;
  inputDelta: bigint;
  outputDelta: bigint;
  cacheReadDelta: bigint;
  cacheWriteDelta: bigint;
  gpuDelta: bigint;
  delta: bigint;
  createdAt: Date;
}

export interface UnpricedGroup {
  tenantId: string;
  source: UsageSource;
  model: string;
  environment: string;
  lines: number;
  inputTokens: bigint;
  outputTokens: bigint;
  cacheReadTokens: bigint;
  cacheWriteTokens: bigint;
  gpuMs: bigint;
  firstAt: Date;
  lastAt: Date;
}

const FIGURES = `events, unpriced_events, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
  gpu_ms, input_cost, output_cost, cache_read_cost, cache_write_cost, gpu_cost, adjustment_micros`;

type FigureRow = Record<
  | 'events'
  | 'unpriced_events'
  | 'input_tokens'
  | 'output_tokens'
  | 'cache_read_tokens'
  | 'cache_write_tokens'
  | 'gpu_ms'
  | 'input_cost'
  | 'output_cost'
  | 'cache_read_cost'
  | 'cache_write_cost'
  | 'gpu_cost'
  | 'adjustment_micros',
  string
>;

export function zeroFigures(): UsageFigures {
  return {
    events: 0n,
    unpricedEvents: 0n,
    inputTokens: 0n,
    outputTokens: 0n,
    cacheReadTokens: 0n,
    cacheWriteTokens: 0n,
    gpuMs: 0n,
    inputCost: 0n,
    outputCost: 0n,
    cacheReadCost: 0n,
    cacheWriteCost: 0n,
    gpuCost: 0n,
    adjustments: 0n,
  };
}

function toFigures(r: FigureRow): UsageFigures {
  return {
    events: BigInt(r.events),
    unpricedEvents: BigInt(r.unpriced_events),
    inputTokens: BigInt(r.input_tokens),
    outputTokens: BigInt(r.output_tokens),
    cacheReadTokens: BigInt(r.cache_read_tokens),
    cacheWriteTokens: BigInt(r.cache_write_tokens),
    gpuMs: BigInt(r.gpu_ms),
    inputCost: BigInt(r.input_cost),
    outputCost: BigInt(r.output_cost),
    cacheReadCost: BigInt(r.cache_read_cost),
    cacheWriteCost: BigInt(r.cache_write_cost),
    gpuCost: BigInt(r.gpu_cost),
    adjustments: BigInt(r.adjustment_micros),
  };
}

/** Usage cost (priced lines) plus adjustments. */
export function totalCost(f: UsageFigures): bigint {
  return f.inputCost + f.outputCost + f.cacheReadCost + f.cacheWriteCost + f.gpuCost + f.adjustments;
}

const big = (v: string | null): bigint => BigInt(v ?? 0);

@Injectable()
export class UsageRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  /** The period total and, per dimension, the `limit` rows costing most (then by key). */
  async breakdowns(scope: TenantScope, periodStart: string, limit: number): Promise<Breakdowns> {
    const rows = await this.db.query<Array<FigureRow & { dimension: Dimension; key: string; n: string }>>(
      `SELECT dimension, key, n, ${FIGURES}
         FROM (SELECT t.*, count(*) OVER (PARTITION BY dimension) AS n,
                      row_number() OVER (PARTITION BY dimension ORDER BY
                        input_cost + output_cost + cache_read_cost + cache_write_cost + gpu_cost + adjustment_micros DESC,
                        key) AS rank
                 FROM billing.usage_totals t
                WHERE tenant_id = $1 AND period_start = $2) ranked
        WHERE rank <= $3
        ORDER BY dimension, rank`,
      [scope.tenantId, periodStart, limit],
    );
    let total = zeroFigures();
    const breakdowns = new Map<Dimension, { rows: TotalsRow[]; count: number }>();
    for (const r of rows) {
      const figures = toFigures(r);
      if (r.dimension === 'tenant') {
        total = figures;
        continue;
      }
      const entry = breakdowns.get(r.dimension) ?? { rows: [], count: Number(r.n) };
      entry.rows.push({ dimension: r.dimension, key: r.key, ...figures });
      breakdowns.set(r.dimension, entry);
    }
    return { total, breakdowns };
  }

  /** The period total (zero when nothing was billed). */
  async total(scope: TenantScope, periodStart: string): Promise<UsageFigures> {
    const rows = await this.db.query<FigureRow[]>(
      `SELECT ${FIGURES} FROM billing.usage_totals
        WHERE tenant_id = $1 AND period_start = $2 AND dimension = 'tenant' AND key = ''`,
      [scope.tenantId, periodStart],
    );
    return rows[0] ? toFigures(rows[0]) : zeroFigures();
  }

  /** Every row of one dimension (statements: per model, per environment). */
  async dimension(scope: TenantScope, periodStart: string, dimension: Dimension): Promise<TotalsRow[]> {
    const rows = await this.db.query<Array<FigureRow & { key: string }>>(
      `SELECT key, ${FIGURES} FROM billing.usage_totals
        WHERE tenant_id = $1 AND period_start = $2 AND dimension = $3 ORDER BY key`,
      [scope.tenantId, periodStart, dimension],
    );
    return rows.map((r) => ({ dimension, key: r.key, ...toFigures(r) }));
  }

  /** Every usage line of one job, oldest first. */
  async jobLines(scope: TenantScope, jobId: string): Promise<LedgerRow[]> {
    const rows = await this.db.query<
      Array<{
        source: UsageSource;
        event_id: string;
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
        rate_version: string | null;
        input_cost: string;
        output_cost: string;
        cache_read_cost: string;
        cache_write_cost: string;
        gpu_cost: string;
        cost: string | null;
      }>
    >(
      `SELECT source, event_id, period_start::text AS period_start, occurred_at, user_id, job_id, agent_role,
              model, environment, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, gpu_ms,
              rate_version, input_cost, output_cost, cache_read_cost, cache_write_cost, gpu_cost, cost
         FROM billing.usage_lines
        WHERE tenant_id = $1 AND job_id = $2
        ORDER BY occurred_at, source, event_id
        LIMIT 10000`,
      [scope.tenantId, jobId],
    );
    return rows.map((r) => ({
      source: r.source,
      eventId: r.event_id,
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
      rateVersion: r.rate_version === null ? null : Number(r.rate_version),
      inputCost: BigInt(r.input_cost),
      outputCost: BigInt(r.output_cost),
      cacheReadCost: BigInt(r.cache_read_cost),
      cacheWriteCost: BigInt(r.cache_write_cost),
      gpuCost: BigInt(r.gpu_cost),
      cost: r.cost === null ? null : BigInt(r.cost),
    }));
  }

  /** Adjustment lines of one job (re-pricing), oldest first. */
  async jobAdjustments(scope: TenantScope, jobId: string): Promise<AdjustmentRow[]> {
    const rows = await this.db.query<
      Array<{
        reprice_id: string;
        source: UsageSource;
        event_id: string;
        rate_version: string;
        input_delta: string;
        output_delta: string;
        cache_read_delta: string;
        cache_write_delta: string;
        gpu_delta: string;
        delta: string;
        created_at: Date;
      }>
    >(
      `SELECT a.reprice_id, a.source, a.event_id, a.rate_version, a.input_delta, a.output_delta,
              a.cache_read_delta, a.cache_write_delta, a.gpu_delta, a.delta, a.created_at
         FROM billing.usage_adjustments a
        WHERE a.tenant_id = $1 AND a.job_id = $2
        ORDER BY a.reprice_id, a.source, a.event_id`,
      [scope.tenantId, jobId],
    );
    return rows.map((r) => ({
      repriceId: Number(r.reprice_id),
      source: r.source,
      eventId: r.event_id,
      rateVersion: Number(r.rate_version),
      inputDelta: BigInt(r.input_delta),
      outputDelta: BigInt(r.output_delta),
      cacheReadDelta: BigInt(r.cache_read_delta),
      cacheWriteDelta: BigInt(r.cache_write_delta),
      gpuDelta: BigInt(r.gpu_delta),
      delta: BigInt(r.delta),
      createdAt: r.created_at,
    }));
  }

  /** Unpriced usage of one tenant, optionally of one period. */
  async unpriced(scope: TenantScope, periodStart?: string): Promise<UnpricedGroup[]> {
    return this.unpricedWhere(`tenant_id = $1 AND ($2::date IS NULL OR period_start = $2)`, [
      scope.tenantId,
      periodStart ?? null,
    ]);
  }

  /** Unpriced usage of every tenant (platform admins). */
  async unpricedEverywhere(_platform: PlatformScope): Promise<UnpricedGroup[]> {
    return this.unpricedWhere('true', []);
  }

  private async unpricedWhere(where: string, params: unknown[]): Promise<UnpricedGroup[]> {
    const rows = await this.db.query<
      Array<{
        tenant_id: string;
        source: UsageSource;
        model: string;
        environment: string;
        lines: number;
        input_tokens: string | null;
        output_tokens: string | null;
        cache_read_tokens: string | null;
        cache_write_tokens: string | null;
        gpu_ms: string | null;
        first_at: Date;
        last_at: Date;
      }>
    >(
      `SELECT tenant_id, source, model, environment, count(*)::int AS lines,
              sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
              sum(cache_read_tokens) AS cache_read_tokens, sum(cache_write_tokens) AS cache_write_tokens,
              sum(gpu_ms) AS gpu_ms, min(occurred_at) AS first_at, max(occurred_at) AS last_at
         FROM billing.usage_lines
        WHERE cost IS NULL AND ${where}
        GROUP BY tenant_id, source, model, environment
        ORDER BY tenant_id, source, model, environment`,
      params,
    );
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      source: r.source,
      model: r.model,
      environment: r.environment,
      lines: r.lines,
      inputTokens: big(r.input_tokens),
      outputTokens: big(r.output_tokens),
      cacheReadTokens: big(r.cache_read_tokens),
      cacheWriteTokens: big(r.cache_write_tokens),
      gpuMs: big(r.gpu_ms),
      firstAt: r.first_at,
      lastAt: r.last_at,
    }));
  }
}
