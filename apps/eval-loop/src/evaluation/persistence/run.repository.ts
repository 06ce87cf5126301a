// eval_loop.runs: the queue of evaluation runs and their history. A tenant has at most one queued run
// (later triggers join it); runs are claimed under a per-tenant advisory lock held by the runner.
import { Injectable } from '@nestjs/common';
import {
  createdAtText,
  keysetTail,
  toPage,
  TransactionRunner,
  type Page,
  type PageRequest,
  type Queryable,
} from '@auraison/api-kit';
import type { TenantScope } from '@auraison/auth';
import { runRetryDelayMs, type EvaluationRun, type RunStatus, type RunTrigger } from '../domain/run.js';
import type { ExperimentFigures } from '../domain/signals.js';

interface Row {
  id: string;
  tenant_id: string;
  trigger: RunTrigger;
  status: RunStatus;
  window_hours: number;
  window_start: Date | null;
  window_end: Date | null;
  scheduled_for: Date | null;
  requested_by: string | null;
  attempt: number;
  next_attempt_at: Date;
  created_at: Date;
  created_at_text: string;
  started_at: Date | null;
  finished_at: Date | null;
  degraded_reason: string | null;
  error: string | null;
  inputs: Record<string, number>;
  timings: Record<string, number>;
  experiments: ExperimentFigures[];
  summary_event_id: string | null;
}

const COLUMNS = `id, tenant_id, trigger, status, window_hours, window_start, window_end, scheduled_for, requested_by,
  attempt, next_attempt_at, created_at, ${createdAtText('created_at')} AS created_at_text, started_at, finished_at,
  degraded_reason, error, inputs, timings, experiments, summary_event_id`;

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toRun(r: Row): EvaluationRun {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    trigger: r.trigger,
    status: r.status,
    windowHours: r.window_hours,
    windowStart: opt(r.window_start),
    windowEnd: opt(r.window_end),
    scheduledFor: opt(r.scheduled_for),
    requestedBy: opt(r.requested_by),
    attempt: r.attempt,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    startedAt: opt(r.started_at),
    finishedAt: opt(r.finished_at),
    degradedReason: opt(r.degraded_reason),
    error: opt(r.error),
    inputs: r.inputs,
    timings: r.timings,
    experiments: r.experiments,
    summaryEventId: opt(r.summary_event_id),
  };
}

export interface NewRun {
  id: string;
  tenantId: string;
  trigger: RunTrigger;
  windowHours: number;
  /** Evaluate the window ending here (default: when the run starts). */
  windowEnd?: Date;
  requestedBy?: string;
}

export interface RunFilters {
  status?: RunStatus;
  trigger?: RunTrigger;
}

/** A claimed run: running, with its window fixed. */
export type ClaimedRun = EvaluationRun & { windowStart: Date; windowEnd: Date; startedAt: Date };

export interface FinishedRun {
  status: 'succeeded' | 'degraded';
  degradedReason?: string;
  inputs: Record<string, number>;
  timings: Record<string, number>;
  experiments: ExperimentFigures[];
  summaryEventId: string;
  finishedAt: Date;
}

@Injectable()
export class RunRepository {
  constructor(private readonly tx: TransactionRunner) {}

  /**
   * Queues a run unless the tenant already has one waiting, which it returns instead (`created`
   * false). A manual request brings a waiting run (e.g. one backing off before a retry) forward.
   */
  async enqueue(db: Queryable, run: NewRun): Promise<{ run: EvaluationRun; created: boolean }> {
    const inserted = await db.query<Row[]>(
      `INSERT INTO eval_loop.runs (id, tenant_id, trigger, status, window_hours, requested_by, window_end, window_start)
       VALUES ($1, $2, $3, 'queued', $4, $5, $6::timestamptz, $6::timestamptz - make_interval(hours => $4))
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [run.id, run.tenantId, run.trigger, run.windowHours, run.requestedBy ?? null, run.windowEnd ?? null],
    );
    if (inserted[0]) return { run: toRun(inserted[0]), created: true };
    const waiting = await db.query<Row[]>(
      `UPDATE eval_loop.runs SET next_attempt_at = CASE WHEN $2 THEN least(next_attempt_at, now()) ELSE next_attempt_at END
        WHERE tenant_id = $1 AND status = 'queued' RETURNING ${COLUMNS}`,
      [run.tenantId, run.trigger === 'manual'],
    );
    // The waiting run may have started in between: queue again (the index only covers queued runs).
    if (!waiting[0]) return this.enqueue(db, run);
    return { run: toRun(waiting[0]), created: false };
  }

  /** Queues the runs of one schedule fire (evaluating the window that ends at it); returns how many. */
  async enqueueScheduled(
    db: Queryable,
    tenantIds: readonly string[],
    fireTime: Date,
    windowHours: number,
  ): Promise<number> {
    if (tenantIds.length === 0) return 0;
    const rows = await db.query<unknown[]>(
      `INSERT INTO eval_loop.runs (id, tenant_id, trigger, status, window_hours, window_start, window_end, scheduled_for)
       SELECT gen_random_uuid(), t, 'schedule', 'queued', $2, $3::timestamptz - make_interval(hours => $2), $3, $3
         FROM unnest($1::uuid[]) AS t
       ON CONFLICT DO NOTHING RETURNING id`,
      [tenantIds, windowHours, fireTime],
    );
    return rows.length;
  }

  /** Runs waiting whose time has come, oldest first (candidates: claim() decides). */
  async due(limit: number): Promise<Array<{ id: string; tenantId: string }>> {
    const rows = await this.tx.queryable.query<Array<{ id: string; tenant_id: string }>>(
      `SELECT id, tenant_id FROM eval_loop.runs WHERE status = 'queued' AND next_attempt_at <= now()
        ORDER BY next_attempt_at, id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id }));
  }

  /**
   * Starts a queued run. Call only while holding the tenant's run lock: any other run of the tenant
   * still marked running then belongs to a runner that died, and this run supersedes it. The tenant's
   * execution counter restarts (whichever trigger comes first).
   */
  async claim(runId: string, tenantId: string): Promise<ClaimedRun | undefined> {
    return this.tx.run(async (db) => {
      const rows = await db.query<Row[]>(
        `UPDATE eval_loop.runs SET status = 'running', attempt = attempt + 1, started_at = now(),
           window_end = COALESCE(window_end, date_trunc('milliseconds', now())),
           window_start = COALESCE(window_start, date_trunc('milliseconds', now()) - make_interval(hours => window_hours))
          WHERE id = $1 AND tenant_id = $2 AND status = 'queued' AND next_attempt_at <= now() RETURNING ${COLUMNS}`,
        [runId, tenantId],
      );
      if (!rows[0]) return undefined;
      await db.query(
        `UPDATE eval_loop.runs SET status = 'failed', finished_at = now(),
           error = 'interrupted: the replica running it stopped; superseded by run ' || $2
          WHERE tenant_id = $1 AND status = 'running' AND id <> $2`,
        [tenantId, runId],
      );
      await db.query(
        `UPDATE eval_loop.execution_counters SET pending = 0, updated_at = now() WHERE tenant_id = $1`,
        [tenantId],
      );
      return toRun(rows[0]) as ClaimedRun;
    });
  }

  /** Tenants with a run marked running (candidates for orphan recovery). */
  async tenantsWithRunningRuns(): Promise<string[]> {
    const rows = await this.tx.queryable.query<Array<{ tenant_id: string }>>(
      `SELECT DISTINCT tenant_id FROM eval_loop.runs WHERE status = 'running'`,
    );
    return rows.map((r) => r.tenant_id);
  }

  /**
   * Under the tenant's run lock, runs still marked running have lost their runner: each is a failed
   * attempt, queued again (unless a run already waits, or it had its last attempt).
   */
  async requeueOrphans(tenantId: string, maxAttempts: number, retryBaseMs: number): Promise<number> {
    return this.tx.run(async (db) => {
      const orphans = await db.query<Array<{ id: string; attempt: number }>>(
        `SELECT id, attempt FROM eval_loop.runs WHERE tenant_id = $1 AND status = 'running' FOR UPDATE`,
        [tenantId],
      );
      const error = 'interrupted: the replica running it stopped';
      for (const o of orphans) {
        const retryAt =
          o.attempt < maxAttempts
            ? new Date(Date.now() + runRetryDelayMs(o.attempt, retryBaseMs))
            : undefined;
        await this.failAttempt(db, o.id, error, retryAt, {});
      }
      return orphans.length;
    });
  }

  async finish(db: Queryable, runId: string, result: FinishedRun): Promise<void> {
    const rows = await db.query<unknown[]>(
      `UPDATE eval_loop.runs SET status = $2, degraded_reason = $3, inputs = $4, timings = $5, experiments = $6,
         summary_event_id = $7, finished_at = $8, error = NULL
        WHERE id = $1 AND status = 'running' RETURNING id`,
      [
        runId,
        result.status,
        result.degradedReason ?? null,
        JSON.stringify(result.inputs),
        JSON.stringify(result.timings),
        JSON.stringify(result.experiments),
        result.summaryEventId,
        result.finishedAt,
      ],
    );
    if (rows.length !== 1) throw new Error(`run ${runId} is no longer running`);
  }

  /** A failed attempt: back to the queue at `retryAt`, or failed for good when there is none. */
  async failAttempt(
    db: Queryable,
    runId: string,
    error: string,
    retryAt: Date | undefined,
    timings: Record<string, number>,
  ): Promise<void> {
    if (retryAt)
      await db.query(
        `UPDATE eval_loop.runs SET status = 'queued', error = $2, next_attempt_at = $3, timings = $4
          WHERE id = $1 AND status = 'running'
            AND NOT EXISTS (SELECT 1 FROM eval_loop.runs q WHERE q.tenant_id = runs.tenant_id AND q.status = 'queued')`,
        [runId, error.slice(0, 2000), retryAt, JSON.stringify(timings)],
      );
    else
      await db.query(
        `UPDATE eval_loop.runs SET status = 'failed', error = $2, finished_at = now(), timings = $3
          WHERE id = $1 AND status = 'running'`,
        [runId, error.slice(0, 2000), JSON.stringify(timings)],
      );
    // A trigger queued another run meanwhile: that one will evaluate; this one ends here.
    if (retryAt)
      await db.query(
        `UPDATE eval_loop.runs SET status = 'failed', finished_at = now(), error = $2 || ' (superseded by a queued run)'
          WHERE id = $1 AND status = 'running'`,
        [runId, error.slice(0, 1900)],
      );
  }

  async get(scope: TenantScope, id: string): Promise<EvaluationRun | undefined> {
    const rows = await this.tx.queryable.query<Row[]>(
      `SELECT ${COLUMNS} FROM eval_loop.runs WHERE id = $1 AND tenant_id = $2`,
      [id, scope.tenantId],
    );
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  async list(scope: TenantScope, page: PageRequest, filters: RunFilters = {}): Promise<Page<EvaluationRun>> {
    const tail = keysetTail(page, 'created_at', 'id', 4);
    const rows = await this.tx.queryable.query<Row[]>(
      `SELECT ${COLUMNS} FROM eval_loop.runs
        WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR trigger = $3) ${tail.sql}`,
      [scope.tenantId, filters.status ?? null, filters.trigger ?? null, ...tail.params],
    );
    return toPage(rows, page, (r) => ({ createdAt: r.created_at_text, id: r.id }), toRun);
  }

  /** Finished runs with a summary, oldest first. */
  async summaries(scope: TenantScope, page: PageRequest): Promise<Page<EvaluationRun>> {
    const tail = keysetTail(page, 'created_at', 'id', 2);
    const rows = await this.tx.queryable.query<Row[]>(
      `SELECT ${COLUMNS} FROM eval_loop.runs
        WHERE tenant_id = $1 AND status IN ('succeeded', 'degraded') ${tail.sql}`,
      [scope.tenantId, ...tail.params],
    );
    return toPage(rows, page, (r) => ({ createdAt: r.created_at_text, id: r.id }), toRun);
  }

  /** The tenant's most recently finished run with a summary. */
  async latestSummary(scope: TenantScope): Promise<EvaluationRun | undefined> {
    const rows = await this.tx.queryable.query<Row[]>(
      `SELECT ${COLUMNS} FROM eval_loop.runs WHERE tenant_id = $1 AND status IN ('succeeded', 'degraded')
        ORDER BY finished_at DESC, id DESC LIMIT 1`,
      [scope.tenantId],
    );
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  /** The latest finished run of the tenant whose window ended by `before` (the previous window). */
  async previousWindowRun(tenantId: string, before: Date, exceptRunId: string): Promise<string | undefined> {
    const rows = await this.tx.queryable.query<Array<{ id: string }>>(
      `SELECT id FROM eval_loop.runs WHERE tenant_id = $1 AND status IN ('succeeded', 'degraded')
          AND window_end <= $2 AND id <> $3
        ORDER BY window_end DESC, finished_at DESC LIMIT 1`,
      [tenantId, before, exceptRunId],
    );
    return rows[0]?.id;
  }

  /** Status of the tenant's last finished run before `runId` (to resolve a run-failure alert). */
  async lastFinishedStatus(
    db: Queryable,
    tenantId: string,
    exceptRunId: string,
  ): Promise<RunStatus | undefined> {
    const rows = await db.query<Array<{ status: RunStatus }>>(
      `SELECT status FROM eval_loop.runs WHERE tenant_id = $1 AND finished_at IS NOT NULL AND id <> $2
        ORDER BY finished_at DESC, id DESC LIMIT 1`,
      [tenantId, exceptRunId],
    );
    return rows[0]?.status;
  }
}
