// The usage ledger's hot paths, in raw SQL (unnest() arrays, one statement per batch): writing lines
// idempotently with their aggregates and budget crossings, and pricing unpriced lines later.
import { Injectable } from '@nestjs/common';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';
import type { LineCosts, PricedLine, UsageLine, UsageSource } from '../domain/usage-line.js';
import { TOTALS_CTES } from './totals-sql.js';

/** A priced line and the period it belongs to. */
export interface LedgerLine extends PricedLine {
  /** "2026-12-01": start of the tenant's billing period containing occurredAt. */
  periodStart: string;
}

export interface WriteResult {
  /** Lines written (not seen before). */
  inserted: number;
  /** Of those, unpriced. */
  unpriced: number;
  /** Budget thresholds crossed by this write. */
  alerts: number;
}

/** An unpriced line as stored, claimed for pricing. */
export interface StoredLine extends UsageLine {
  periodStart: string;
}

interface StoredRow {
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
}

const str = (v: bigint | number | null): string | null => (v === null ? null : v.toString());

const INSERT_LINES = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::date[], $5::timestamptz[], $6::uuid[],
                       $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[],
                       $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[],
                       $18::bigint[], $19::bigint[], $20::bigint[], $21::bigint[], $22::bigint[])
    AS u (source, event_id, tenant_id, period_start, occurred_at, user_id, job_id, agent_role, model,
          environment, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, gpu_ms,
          rate_version, input_cost, output_cost, cache_read_cost, cache_write_cost, gpu_cost, cost)
),
ins AS (
  INSERT INTO billing.usage_lines (source, event_id, tenant_id, period_start, occurred_at, user_id, job_id,
    agent_role, model, environment, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
    gpu_ms, rate_version, input_cost, output_cost, cache_read_cost, cache_write_cost, gpu_cost, cost,
    priced_at)
  SELECT source, event_id, tenant_id, period_start, occurred_at, user_id, job_id, agent_role, model,
         environment, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, gpu_ms,
         rate_version, input_cost, output_cost, cache_read_cost, cache_write_cost, gpu_cost, cost,
         CASE WHEN cost IS NULL THEN NULL ELSE now() END
    FROM input
   ORDER BY source, event_id
  ON CONFLICT (source, event_id) DO NOTHING
  RETURNING tenant_id, period_start, user_id, job_id, agent_role, model, environment, input_tokens,
            output_tokens, cache_read_tokens, cache_write_tokens, gpu_ms, input_cost, output_cost,
            cache_read_cost, cache_write_cost, gpu_cost, cost
),
delta AS (
  SELECT tenant_id, period_start, user_id, job_id, agent_role, model, environment,
         1 AS events, CASE WHEN cost IS NULL THEN 1 ELSE 0 END AS unpriced_events,
         input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, gpu_ms,
         input_cost, output_cost, cache_read_cost, cache_write_cost, gpu_cost, 0 AS adjustment_micros
    FROM ins
)${TOTALS_CTES}
SELECT (SELECT count(*) FROM ins)::int AS inserted,
       (SELECT count(*) FROM ins WHERE cost IS NULL)::int AS unpriced,
       (SELECT count(*) FROM crossed)::int AS alerts`;

const PRICE_LINES = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
                       $7::bigint[], $8::bigint[], $9::bigint[])
    AS u (source, event_id, rate_version, input_cost, output_cost, cache_read_cost, cache_write_cost,
          gpu_cost, cost)
),
upd AS (
  UPDATE billing.usage_lines l
     SET rate_version = u.rate_version, input_cost = u.input_cost, output_cost = u.output_cost,
         cache_read_cost = u.cache_read_cost, cache_write_cost = u.cache_write_cost, gpu_cost = u.gpu_cost,
         cost = u.cost, priced_at = now()
    FROM input u
   WHERE l.source = u.source AND l.event_id = u.event_id AND l.cost IS NULL
  RETURNING l.tenant_id, l.period_start, l.user_id, l.job_id, l.agent_role, l.model, l.environment,
            l.input_cost, l.output_cost, l.cache_read_cost, l.cache_write_cost, l.gpu_cost
),
delta AS (
  SELECT tenant_id, period_start, user_id, job_id, agent_role, model, environment,
         0 AS events, -1 AS unpriced_events, 0 AS input_tokens, 0 AS output_tokens, 0 AS cache_read_tokens,
         0 AS cache_write_tokens, 0 AS gpu_ms, input_cost, output_cost, cache_read_cost, cache_write_cost,
         gpu_cost, 0 AS adjustment_micros
    FROM upd
)${TOTALS_CTES}
SELECT (SELECT count(*) FROM upd)::int AS priced, (SELECT count(*) FROM crossed)::int AS alerts`;

@Injectable()
export class LedgerRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  /**
   * The current price-book version and the anchor day of each known tenant among `tenantIds`, read
   * after the caller took the price-book lock.
   */
  async context(
    tx: Queryable,
    tenantIds: string[],
  ): Promise<{ version: number; anchors: Map<string, number> }> {
    const rows = await tx.query<
      Array<{ version: string | null; tenants: Array<{ id: string; anchor: unknown }> }>
    >(
      `SELECT (SELECT max(version) FROM billing.price_book) AS version,
              COALESCE((SELECT json_agg(json_build_object('id', tenant_id, 'anchor', quota -> 'periodAnchorDay'))
                          FROM billing.tenants WHERE tenant_id = ANY($1::uuid[])), '[]'::json) AS tenants`,
      [tenantIds],
    );
    const row = rows[0]!;
    const anchors = new Map<string, number>();
    for (const t of row.tenants) anchors.set(t.id, typeof t.anchor === 'number' ? t.anchor : 1);
    return { version: Number(row.version ?? 0), anchors };
  }

  /** Writes the lines not written before, their aggregates and budget crossings, in one statement. */
  async insertLines(tx: Queryable, lines: readonly LedgerLine[]): Promise<WriteResult> {
    if (lines.length === 0) return { inserted: 0, unpriced: 0, alerts: 0 };
    const n = lines.length;
    const text = (pick: (l: LedgerLine) => string): string[] => lines.map(pick);
    // Numbers, uuids, dates and timestamps need no quoting: their array literals are built here, which
    // spares node-postgres escaping every element (this is the ingest hot path).
    const literal = (pick: (l: LedgerLine) => string | null): string => {
      const out = new Array<string>(n);
      for (let i = 0; i < n; i++) out[i] = pick(lines[i]!) ?? 'NULL';
      return `{${out.join(',')}}`;
    };
    const cols = [
      text((l) => l.source),
      text((l) => l.eventId),
      literal((l) => l.tenantId),
      literal((l) => l.periodStart),
      literal((l) => l.occurredAt.toISOString()),
      literal((l) => l.userId),
      text((l) => l.jobId),
      text((l) => l.agentRole),
      text((l) => l.model),
      text((l) => l.environment),
      literal((l) => l.inputTokens.toString()),
      literal((l) => l.outputTokens.toString()),
      literal((l) => l.cacheReadTokens.toString()),
      literal((l) => l.cacheWriteTokens.toString()),
      literal((l) => l.gpuMs.toString()),
      literal((l) => str(l.rateVersion)),
      literal((l) => l.inputCost.toString()),
      literal((l) => l.outputCost.toString()),
      literal((l) => l.cacheReadCost.toString()),
      literal((l) => l.cacheWriteCost.toString()),
      literal((l) => l.gpuCost.toString()),
      literal((l) => str(l.cost)),
    ];
    const rows = await tx.query<WriteResult[]>(INSERT_LINES, cols);
    return rows[0]!;
  }

  /** Up to `limit` unpriced lines after `after`, locked for this transaction (others skip them). */
  async claimUnpriced(
    tx: Queryable,
    after: { source: string; eventId: string } | undefined,
    limit: number,
  ): Promise<StoredLine[]> {
    const rows = await tx.query<StoredRow[]>(
      `SELECT source, event_id, tenant_id, period_start::text AS period_start, occurred_at, user_id, job_id,
              agent_role, model, environment, input_tokens, output_tokens, cache_read_tokens,
              cache_write_tokens, gpu_ms
         FROM billing.usage_lines
        WHERE cost IS NULL AND (source, event_id) > ($1, $2)
        ORDER BY source, event_id
        LIMIT $3
          FOR UPDATE SKIP LOCKED`,
      [after?.source ?? '', after?.eventId ?? '', limit],
    );
    return rows.map((r) => ({
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
    }));
  }

  /** Prices claimed lines (still unpriced ones only) and adds their cost to the aggregates. */
  async priceLines(
    tx: Queryable,
    lines: ReadonlyArray<{ source: UsageSource; eventId: string } & LineCosts>,
  ): Promise<{ priced: number; alerts: number }> {
    if (lines.length === 0) return { priced: 0, alerts: 0 };
    const rows = await tx.query<Array<{ priced: number; alerts: number }>>(PRICE_LINES, [
      lines.map((l) => l.source),
      lines.map((l) => l.eventId),
      lines.map((l) => str(l.rateVersion)),
      lines.map((l) => l.inputCost.toString()),
      lines.map((l) => l.outputCost.toString()),
      lines.map((l) => l.cacheReadCost.toString()),
      lines.map((l) => l.cacheWriteCost.toString()),
      lines.map((l) => l.gpuCost.toString()),
      lines.map((l) => str(l.cost)),
    ]);
    return rows[0]!;
  }

  /** How many lines are unpriced (the partial index makes this cheap). */
  async unpricedCount(): Promise<number> {
    const rows = await this.db.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM billing.usage_lines WHERE cost IS NULL`,
    );
    return rows[0]?.n ?? 0;
  }
}
