// Evaluation summaries: append-only, once per event_id (the primary key), listed per tenant in time order.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import type { Page, PageRequest } from '../../common/domain/page.js';
import { toPage } from '../../common/domain/page.js';
import { PgDatabase } from '../../common/persistence/pg-database.js';
import type { EvalSummaryRecord } from '../domain/eval-summary-record.js';

export interface StoredEvalSummary {
  eventId: string;
  tenantId: string | null;
  runId: string;
  occurredAt: string;
  summary: Record<string, unknown>;
}

export interface EvalSummaryFilter {
  from?: Date;
  to?: Date;
  runId?: string;
}

interface Row {
  event_id: string;
  tenant_id: string | null;
  run_id: string;
  at: string;
  body: string;
}

@Injectable()
export class EvalSummaryRepository {
  constructor(private readonly db: PgDatabase) {}

  /** Inserts the summaries not stored yet; returns how many were new. */
  async insert(records: readonly EvalSummaryRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const rows = await this.db.sql.query(
      `INSERT INTO observability.eval_summaries (event_id, tenant_id, run_id, occurred_at, window_start, window_end, body)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::text[])
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [
        records.map((r) => r.eventId),
        records.map((r) => r.tenantId),
        records.map((r) => r.runId),
        records.map((r) => r.occurredAt),
        records.map((r) => r.windowStart),
        records.map((r) => r.windowEnd),
        records.map((r) => r.body),
      ],
    );
    return rows.length;
  }

  /** The tenant's summaries, or (platformWide) the ones of no tenant, oldest first. */
  async list(
    scope: TenantScope,
    platformWide: boolean,
    filter: EvalSummaryFilter,
    page: PageRequest,
  ): Promise<Page<StoredEvalSummary>> {
    const params: unknown[] = [];
    const where: string[] = [];
    const p = (v: unknown): string => `$${params.push(v)}`;
    where.push(platformWide ? 'tenant_id IS NULL' : `tenant_id = ${p(scope.tenantId)}::uuid`);
    if (filter.from) where.push(`occurred_at >= ${p(filter.from)}`);
    if (filter.to) where.push(`occurred_at < ${p(filter.to)}`);
    if (filter.runId) where.push(`run_id = ${p(filter.runId)}`);
    if (page.after) {
      const [at, id] = page.after;
      where.push(`(occurred_at, event_id) > (${p(at)}::timestamptz, ${p(id)}::text)`);
    }
    const rows = await this.db.sql.cached<Row>(
      `SELECT event_id, tenant_id, run_id,
              to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, body
         FROM observability.eval_summaries
        WHERE ${where.join(' AND ')}
        ORDER BY occurred_at, event_id LIMIT ${p(page.limit + 1)}`,
      params,
    );
    return toPage(
      rows,
      page,
      (r) => [r.at, r.event_id],
      (r) => ({
        eventId: r.event_id,
        tenantId: r.tenant_id,
        runId: r.run_id,
        occurredAt: r.at,
        summary: JSON.parse(r.body) as Record<string, unknown>,
      }),
    );
  }
}
