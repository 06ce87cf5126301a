// The chain as the verifier and the checkpoint publisher read it. Verification runs inside PostgreSQL,
// one range of seq at a time: each row's hash is recomputed from its stored columns with the SQL
// version of canonicalRecord() (audit/domain/record-chain.ts) and compared with row_hash, its prev_hash
// with the previous row's row_hash, and its seq with the previous seq + 1. Only the first failure
// leaves the database, so the walk runs at the speed of PostgreSQL's SHA-256, not of the network.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import { PgDatabase, type Sql } from '../../common/persistence/pg-database.js';

/**
 * canonical(n) in SQL. to_json() escapes strings exactly as JSON.stringify does (", \, \b \f \n \r \t,
 * other control characters as \u00xx), and to_json(text[]) writes ["a","b"] without spaces.
 */
export const CANONICAL_RECORD_SQL = `'{"agent_role":' || coalesce(to_json(e.agent_role)::text, 'null')
  || ',"event":' || e.body
  || ',"event_id":' || to_json(e.event_id)::text
  || ',"exit_code":' || coalesce(e.exit_code::text, 'null')
  || ',"job_id":' || coalesce(to_json(e.job_id)::text, 'null')
  || ',"kind":' || to_json(e.kind)::text
  || ',"occurred_at":"' || to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '"'
  || ',"seq":' || e.seq::text
  || ',"session_id":' || coalesce(to_json(e.session_id)::text, 'null')
  || ',"status":' || coalesce(to_json(e.status)::text, 'null')
  || ',"tenant_id":"' || e.tenant_id::text || '"'
  || ',"tools":' || coalesce(to_json(e.tools)::text, 'null')
  || ',"trace_id":' || coalesce(to_json(e.trace_id)::text, 'null') || '}'`;

export interface ChainHead {
  seq: number;
  rowHash: Buffer;
  /** The last head published on mp.audit.checkpoints (0 when none yet). */
  publishedSeq: number;
  publishedHash: Buffer | null;
  publishedAt: Date | null;
}

/** The first row of a range that fails a check. */
export interface RangeFailure {
  seq: number;
  eventId: string;
  prevHash: Buffer;
  rowHash: Buffer;
  computed: Buffer;
  expectedPrev: Buffer;
  expectedSeq: number;
}

export interface RowLink {
  seq: number;
  rowHash: Buffer;
}

interface HeadRow {
  seq: string;
  row_hash: Buffer;
  published_seq: string;
  published_hash: Buffer | null;
  published_at: Date | null;
}

const toHead = (r: HeadRow): ChainHead => ({
  seq: Number(r.seq),
  rowHash: r.row_hash,
  publishedSeq: Number(r.published_seq),
  publishedHash: r.published_hash,
  publishedAt: r.published_at,
});

/** A chain head to publish. */
export interface PendingCheckpoint {
  tenantId: string;
  seq: number;
  rowHash: Buffer;
}

@Injectable()
export class ChainRepository {
  constructor(private readonly db: PgDatabase) {}

  async head(scope: TenantScope): Promise<ChainHead | undefined> {
    const rows = await this.db.sql.cached<HeadRow>(
      `SELECT seq, row_hash, published_seq, published_hash, published_at
         FROM observability.chain_heads WHERE tenant_id = $1::uuid`,
      [scope.tenantId],
    );
    return rows[0] ? toHead(rows[0]) : undefined;
  }

  /** The first row of (afterSeq, toSeq] that breaks the chain, continuing from `prev`. */
  async firstFailure(scope: TenantScope, prev: RowLink, toSeq: number): Promise<RangeFailure | undefined> {
    const rows = await this.db.sql.prepared<{
      seq: string;
      event_id: string;
      prev_hash: Buffer;
      row_hash: Buffer;
      computed: Buffer;
      expected_prev: Buffer;
      expected_seq: string;
    }>(
      'obs_verify_range',
      `SELECT seq, event_id, prev_hash, row_hash, computed, expected_prev, expected_seq FROM (
         SELECT e.seq, e.event_id, e.prev_hash, e.row_hash,
                sha256(e.prev_hash || convert_to(${CANONICAL_RECORD_SQL}, 'UTF8')) AS computed,
                lag(e.row_hash, 1, $3::bytea) OVER w AS expected_prev,
                lag(e.seq, 1, $2::bigint) OVER w + 1 AS expected_seq
           FROM observability.events e
          WHERE e.tenant_id = $1::uuid AND e.seq > $2::bigint AND e.seq <= $4::bigint
         WINDOW w AS (ORDER BY e.seq)
       ) walk
       WHERE seq <> expected_seq OR computed <> row_hash OR prev_hash <> expected_prev
       ORDER BY seq LIMIT 1`,
      [scope.tenantId, prev.seq, prev.rowHash, toSeq],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      seq: Number(r.seq),
      eventId: r.event_id,
      prevHash: r.prev_hash,
      rowHash: r.row_hash,
      computed: r.computed,
      expectedPrev: r.expected_prev,
      expectedSeq: Number(r.expected_seq),
    };
  }

  /** The last row at or before `seq` (the end of a verified range). */
  async lastRowUpTo(scope: TenantScope, afterSeq: number, seq: number): Promise<RowLink | undefined> {
    const rows = await this.db.sql.prepared<{ seq: string; row_hash: Buffer }>(
      'obs_last_row',
      `SELECT seq, row_hash FROM observability.events
        WHERE tenant_id = $1::uuid AND seq > $2::bigint AND seq <= $3::bigint
        ORDER BY seq DESC LIMIT 1`,
      [scope.tenantId, afterSeq, seq],
    );
    return rows[0] ? { seq: Number(rows[0].seq), rowHash: rows[0].row_hash } : undefined;
  }

  async eventIdAt(scope: TenantScope, seq: number): Promise<string | undefined> {
    const rows = await this.db.sql.cached<{ event_id: string }>(
      `SELECT event_id FROM observability.events WHERE tenant_id = $1::uuid AND seq = $2::bigint LIMIT 1`,
      [scope.tenantId, seq],
    );
    return rows[0]?.event_id;
  }

  /**
   * Runs `publish` on the heads that moved since they were last published, in one transaction that
   * only one replica at a time gets (the others skip the round); marks them published when it resolves.
   * The heads are read without locking them, so ingest never waits for NATS: a head that moves meanwhile
   * is published again next round.
   */
  async publishPending(
    limit: number,
    publish: (pending: PendingCheckpoint[]) => Promise<void>,
  ): Promise<number | undefined> {
    return this.db.transaction(async (sql: Sql) => {
      const [lock] = await sql.query<{ ok: boolean }>(
        `SELECT pg_try_advisory_xact_lock(hashtext('observability.audit-checkpoints')) AS ok`,
      );
      if (!lock?.ok) return undefined;
      const rows = await sql.query<{ tenant_id: string; seq: string; row_hash: Buffer }>(
        `SELECT tenant_id, seq, row_hash FROM observability.chain_heads
          WHERE seq > published_seq ORDER BY tenant_id LIMIT $1`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const pending = rows.map((r) => ({ tenantId: r.tenant_id, seq: Number(r.seq), rowHash: r.row_hash }));
      await publish(pending);
      const tenants = pending.map((p) => p.tenantId);
      // Locked in tenant order, like ingest locks them, so the two never deadlock; then marked.
      await sql.query(
        `SELECT 1 FROM observability.chain_heads WHERE tenant_id = ANY($1::uuid[]) ORDER BY tenant_id FOR UPDATE`,
        [tenants],
      );
      await sql.query(
        `UPDATE observability.chain_heads AS h
            SET published_seq = v.seq, published_hash = v.row_hash, published_at = now()
           FROM unnest($1::uuid[], $2::bigint[], $3::bytea[]) AS v(tenant_id, seq, row_hash)
          WHERE h.tenant_id = v.tenant_id AND h.published_seq < v.seq`,
        [tenants, pending.map((p) => p.seq), pending.map((p) => p.rowHash)],
      );
      return pending.length;
    });
  }
}
