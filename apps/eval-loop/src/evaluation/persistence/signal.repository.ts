// eval_loop.signals: the signals of each run, one row per slice, written in one statement per run.
import { Injectable } from '@nestjs/common';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';
import type { TenantScope } from '@auraison/auth';
import type { PreviousSlice, SignalFigures } from '../domain/signals.js';

interface Row {
  agent_role: string;
  environment: string;
  model: string;
  variant: string;
  job_label: string;
  runs: number;
  successes: number;
  success_rate: number;
  ci_low: number;
  ci_high: number;
  latency_p50_ms: number | null;
  latency_p90_ms: number | null;
  latency_p99_ms: number | null;
  tokens_per_success: number;
  cost_micros_per_success: string | null;
  wandb_metrics: Record<string, number>;
  wandb_metric_deltas: Record<string, number>;
  small_sample: boolean;
  text: string;
}

const nan = (v: number | null): number => (v === null ? Number.NaN : v);
const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function toFigures(r: Row): SignalFigures {
  return {
    agentRole: r.agent_role,
    environment: r.environment,
    model: r.model,
    variant: r.variant,
    jobLabel: r.job_label,
    runs: r.runs,
    successes: r.successes,
    successRate: r.success_rate,
    ciLow: r.ci_low,
    ciHigh: r.ci_high,
    latencyP50Ms: nan(r.latency_p50_ms),
    latencyP90Ms: nan(r.latency_p90_ms),
    latencyP99Ms: nan(r.latency_p99_ms),
    tokensPerSuccess: r.tokens_per_success,
    costMicrosPerSuccess: r.cost_micros_per_success === null ? null : BigInt(r.cost_micros_per_success),
    wandbMetrics: r.wandb_metrics,
    wandbMetricDeltas: r.wandb_metric_deltas,
    smallSample: r.small_sample,
    text: r.text,
  };
}

export interface SignalFilters {
  agentRole?: string;
  environment?: string;
  model?: string;
  variant?: string;
  jobLabel?: string;
}

@Injectable()
export class SignalRepository {
  constructor(private readonly tx: TransactionRunner) {}

  async insert(
    db: Queryable,
    runId: string,
    tenantId: string,
    signals: readonly SignalFigures[],
  ): Promise<void> {
    if (signals.length === 0) return;
    await db.query(
      `INSERT INTO eval_loop.signals (run_id, tenant_id, agent_role, environment, model, variant, job_label, runs,
         successes, success_rate, ci_low, ci_high, latency_p50_ms, latency_p90_ms, latency_p99_ms, tokens_per_success,
         cost_micros_per_success, wandb_metrics, wandb_metric_deltas, small_sample, text)
       SELECT $1, $2, x.agent_role, x.environment, x.model, x.variant, x.job_label, x.runs, x.successes,
              x.success_rate, x.ci_low, x.ci_high, x.latency_p50_ms, x.latency_p90_ms, x.latency_p99_ms,
              x.tokens_per_success, x.cost_micros_per_success::bigint, x.wandb_metrics, x.wandb_metric_deltas,
              x.small_sample, x.text
         FROM jsonb_to_recordset($3::jsonb) AS x(agent_role text, environment text, model text, variant text,
              job_label text, runs integer, successes integer, success_rate double precision,
              ci_low double precision, ci_high double precision, latency_p50_ms double precision,
              latency_p90_ms double precision, latency_p99_ms double precision,
              tokens_per_success double precision, cost_micros_per_success text, wandb_metrics jsonb,
              wandb_metric_deltas jsonb, small_sample boolean, text text)`,
      [
        runId,
        tenantId,
        JSON.stringify(
          signals.map((s) => ({
            agent_role: s.agentRole,
            environment: s.environment,
            model: s.model,
            variant: s.variant,
            job_label: s.jobLabel,
            runs: s.runs,
            successes: s.successes,
            success_rate: s.successRate,
            ci_low: s.ciLow,
            ci_high: s.ciHigh,
            latency_p50_ms: orNull(s.latencyP50Ms),
            latency_p90_ms: orNull(s.latencyP90Ms),
            latency_p99_ms: orNull(s.latencyP99Ms),
            tokens_per_success: s.tokensPerSuccess,
            // Money travels as text: JSON numbers lose digits past 2^53.
            cost_micros_per_success:
              s.costMicrosPerSuccess === null ? null : s.costMicrosPerSuccess.toString(),
            wandb_metrics: s.wandbMetrics,
            wandb_metric_deltas: s.wandbMetricDeltas,
            small_sample: s.smallSample,
            text: s.text,
          })),
        ),
      ],
    );
  }

  /** Signals of one of the scope's runs, in slice order, optionally filtered. */
  async forRun(scope: TenantScope, runId: string, filters: SignalFilters = {}): Promise<SignalFigures[]> {
    const rows = await this.tx.queryable.query<Row[]>(
      `SELECT * FROM eval_loop.signals
        WHERE run_id = $1 AND tenant_id = $2
          AND ($3::text IS NULL OR agent_role = $3) AND ($4::text IS NULL OR environment = $4)
          AND ($5::text IS NULL OR model = $5) AND ($6::text IS NULL OR variant = $6)
          AND ($7::text IS NULL OR job_label = $7)
        ORDER BY agent_role, environment, model, variant, job_label`,
      [
        runId,
        scope.tenantId,
        filters.agentRole ?? null,
        filters.environment ?? null,
        filters.model ?? null,
        filters.variant ?? null,
        filters.jobLabel ?? null,
      ],
    );
    return rows.map(toFigures);
  }

  /** The W&B means of each slice of a previous run (for deltas). */
  async previousSlices(tenantId: string, runId: string): Promise<PreviousSlice[]> {
    const rows = await this.tx.queryable.query<Row[]>(
      `SELECT agent_role, environment, model, variant, job_label, wandb_metrics FROM eval_loop.signals
        WHERE run_id = $1 AND tenant_id = $2 AND wandb_metrics <> '{}'::jsonb`,
      [runId, tenantId],
    );
    return rows.map((r) => ({
      agentRole: r.agent_role,
      environment: r.environment,
      model: r.model,
      variant: r.variant,
      jobLabel: r.job_label,
      wandbMetrics: r.wandb_metrics,
    }));
  }
}
