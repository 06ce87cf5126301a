// Reads of the history. Every method takes a TenantScope and filters by its tenant first, so a query
// without a tenant filter does not compile; every list is keyset-paginated on (occurred_at, seq), which
// is unique within a tenant, and served by the indexes created with the table.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import type { RecordKind } from '../../ingest/domain/history-record.js';
import type { CursorKey } from '../../common/domain/page.js';
import { PgDatabase, type Sql } from '../../common/persistence/pg-database.js';

/** One stored event as queries return it. */
export interface StoredEvent {
  seq: number;
  kind: RecordKind;
  eventId: string;
  tenantId: string;
  /** occurred_at with microseconds, UTC (`2026-12-04T10:11:12.345000Z`). */
  occurredAt: string;
  rowHash: string;
  /** The whole event (canonical JSON parsed). */
  event: Record<string, unknown>;
}

export interface EventFilter {
  from?: Date;
  to?: Date;
  kind?: RecordKind;
  agentRole?: string;
  jobId?: string;
  sessionId?: string;
  traceId?: string;
  /** Events having a call of any of these tool keys (tool names or `mcp__<server>__*`). */
  toolKeys?: readonly string[];
  status?: string;
  exitCode?: number;
  /** Agent outcome: success (exit code 0) or failure. */
  outcome?: 'success' | 'failure';
  /** A tsquery every matching event's search lexemes satisfy. */
  tsquery?: string;
}

/** Where a page starts: after (or, inclusive, at) the event with this (occurred_at, seq). */
export interface EventPosition {
  at: string;
  seq: number;
  inclusive?: boolean;
}

export type TraceLink = 'job' | 'session' | 'trace';

/** Latest status, GPU seconds and trace ids of a job, from all its events. */
export interface JobSummary {
  events: number;
  status: string | null;
  gpuSeconds: number;
  traceIds: string[];
}

interface EventRow {
  seq: string;
  kind: RecordKind;
  event_id: string;
  tenant_id: string;
  at: string;
  row_hash: Buffer;
  body: string;
}

const SELECT_EVENT = `e.seq, e.kind, e.event_id, e.tenant_id,
  to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, e.row_hash, e.body`;

export function toStoredEvent(r: EventRow): StoredEvent {
  return {
    seq: Number(r.seq),
    kind: r.kind,
    eventId: r.event_id,
    tenantId: r.tenant_id,
    occurredAt: r.at,
    rowHash: r.row_hash.toString('hex'),
    event: JSON.parse(r.body) as Record<string, unknown>,
  };
}

export const eventKey = (e: StoredEvent): CursorKey => [e.occurredAt, e.seq];

/** Collects SQL parameters: `p(value)` returns its placeholder. */
class Params {
  readonly values: unknown[] = [];
  p(value: unknown): string {
    return `$${this.values.push(value)}`;
  }
}

function conditions(scope: TenantScope, f: EventFilter, params: Params): string[] {
  const where = [`e.tenant_id = ${params.p(scope.tenantId)}::uuid`];
  if (f.from) where.push(`e.occurred_at >= ${params.p(f.from)}`);
  if (f.to) where.push(`e.occurred_at < ${params.p(f.to)}`);
  if (f.kind) where.push(`e.kind = ${params.p(f.kind)}`);
  if (f.agentRole) where.push(`e.agent_role = ${params.p(f.agentRole)}`);
  if (f.jobId) where.push(`e.job_id = ${params.p(f.jobId)}`);
  if (f.sessionId) where.push(`e.session_id = ${params.p(f.sessionId)}`);
  if (f.traceId) where.push(`e.trace_id = ${params.p(f.traceId)}`);
  if (f.toolKeys) where.push(`e.tools && ${params.p(f.toolKeys)}::text[]`);
  if (f.status) where.push(`e.status = ${params.p(f.status)}`);
  if (f.exitCode !== undefined) where.push(`e.exit_code = ${params.p(f.exitCode)}`);
  if (f.outcome === 'success') where.push(`e.exit_code = 0`);
  if (f.outcome === 'failure') where.push(`e.exit_code <> 0`);
  if (f.tsquery) where.push(`e.search @@ ${params.p(f.tsquery)}::tsquery`);
  return where;
}

@Injectable()
export class HistoryRepository {
  constructor(private readonly db: PgDatabase) {}

  /** Up to `limit` events matching `filter`, in time order (newest first with `descending`). */
  async events(
    scope: TenantScope,
    filter: EventFilter,
    limit: number,
    after?: EventPosition,
    descending = false,
  ): Promise<StoredEvent[]> {
    const params = new Params();
    const where = conditions(scope, filter, params);
    if (after) {
      const op = descending ? (after.inclusive ? '<=' : '<') : after.inclusive ? '>=' : '>';
      where.push(
        `(e.occurred_at, e.seq) ${op} (${params.p(after.at)}::timestamptz, ${params.p(after.seq)}::bigint)`,
      );
    }
    const dir = descending ? 'DESC' : 'ASC';
    const rows = await this.db.sql.cached<EventRow>(
      `SELECT ${SELECT_EVENT} FROM observability.events e
        WHERE ${where.join(' AND ')}
        ORDER BY e.occurred_at ${dir}, e.seq ${dir} LIMIT ${params.p(limit)}`,
      params.values,
    );
    return rows.map(toStoredEvent);
  }

  /**
   * The job's summary and one page of its trace, read on one snapshot so that they agree (events
   * committed in between would otherwise be in one and not the other); no trace when the tenant has
   * no event of the job.
   */
  async jobTraceWithSummary(
    scope: TenantScope,
    jobId: string,
    limit: number,
    after?: EventPosition,
  ): Promise<{ summary: JobSummary; entries: Array<StoredEvent & { link: TraceLink }> }> {
    return this.db.snapshot(async (sql) => {
      const summary = await this.jobSummary(sql, scope, jobId);
      if (summary.events === 0) return { summary, entries: [] };
      return { summary, entries: await this.jobTrace(sql, scope, jobId, limit, after) };
    });
  }

  /**
   * The causal chain of a job in time order: its own events (`job`), the agent invocations of the
   * sessions that dispatched it (`session`: ExecutionEvent.session_id) and the agent invocations
   * sharing its trace ids (`trace`).
   */
  private async jobTrace(
    sql: Sql,
    scope: TenantScope,
    jobId: string,
    limit: number,
    after?: EventPosition,
  ): Promise<Array<StoredEvent & { link: TraceLink }>> {
    const params = new Params();
    const tenant = `${params.p(scope.tenantId)}::uuid`;
    const job = params.p(jobId);
    const resume = after
      ? `AND (e.occurred_at, e.seq) > (${params.p(after.at)}::timestamptz, ${params.p(after.seq)}::bigint)`
      : '';
    const rows = await sql.cached<EventRow & { link: TraceLink }>(
      `WITH own AS (
         SELECT seq, kind, session_id, trace_id FROM observability.events
          WHERE tenant_id = ${tenant} AND job_id = ${job}
       ), linked AS (
         SELECT seq, 'job' AS link FROM own
         UNION ALL
         SELECT s.seq, 'session' FROM observability.events s
          WHERE s.tenant_id = ${tenant} AND s.kind = 'agent'
            AND s.session_id IN (SELECT session_id FROM own WHERE kind = 'execution' AND session_id IS NOT NULL)
         UNION ALL
         SELECT t.seq, 'trace' FROM observability.events t
          WHERE t.tenant_id = ${tenant} AND t.kind = 'agent'
            AND t.trace_id IN (SELECT trace_id FROM own WHERE trace_id IS NOT NULL)
       ), picked AS (
         -- one entry per event, by the strongest link: job < session < trace
         SELECT seq, min(link) AS link FROM linked GROUP BY seq
       )
       SELECT ${SELECT_EVENT}, p.link
         FROM picked p JOIN observability.events e ON e.tenant_id = ${tenant} AND e.seq = p.seq
        WHERE true ${resume}
        ORDER BY e.occurred_at, e.seq LIMIT ${params.p(limit)}`,
      params.values,
    );
    return rows.map((r) => ({ ...toStoredEvent(r), link: r.link }));
  }

  /** Latest status, GPU seconds and trace ids of a job, from all its execution events. */
  private async jobSummary(sql: Sql, scope: TenantScope, jobId: string): Promise<JobSummary> {
    const rows = await sql.cached<{
      events: string;
      status: string | null;
      gpu_seconds: number | null;
      trace_ids: string[] | null;
    }>(
      `SELECT count(*) AS events,
              (array_agg(status ORDER BY occurred_at DESC, seq DESC) FILTER (WHERE kind = 'execution'))[1] AS status,
              max((body::jsonb ->> 'gpu_seconds')::float8) FILTER (WHERE kind = 'execution') AS gpu_seconds,
              array_agg(DISTINCT trace_id) FILTER (WHERE trace_id IS NOT NULL) AS trace_ids
         FROM observability.events
        WHERE tenant_id = $1::uuid AND job_id = $2`,
      [scope.tenantId, jobId],
    );
    const r = rows[0]!;
    return {
      events: Number(r.events),
      status: r.status,
      gpuSeconds: r.gpu_seconds ?? 0,
      traceIds: r.trace_ids ?? [],
    };
  }
}
