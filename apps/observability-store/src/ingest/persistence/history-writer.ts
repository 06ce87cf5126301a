// Appends a batch of events to the history in ONE transaction:
//   1. lock the chain head of every tenant in the batch (sorted, so concurrent batches and replicas
//      never deadlock; a tenant's batches are serialized here, which keeps its chain a line);
//   2. record the event ids in the inbox: only ids never seen before come back (the once-only
//      guarantee, across partitions and beyond JetStream's duplicate window);
//   3. chain the fresh records after their tenant's head and insert them (multi-row INSERTs of
//      power-of-two sizes, each a named prepared statement);
//   4. move the heads.
// The caller acks after this resolves, i.e. after COMMIT. CPU work overlaps PostgreSQL's: the records
// are built while the head locks are taken, and each chunk is hashed while the previous one is inserted.
import { Injectable } from '@nestjs/common';
import { chainHash, GENESIS_HASH, type ChainFields } from '../../audit/domain/record-chain.js';
import { PgDatabase, type Sql } from '../../common/persistence/pg-database.js';
import type { HistoryRecord } from '../domain/history-record.js';

/** A record with its place in its tenant's chain. */
export interface ChainedRecord extends HistoryRecord, Pick<ChainFields, 'seq'> {
  prevHash: Buffer;
  rowHash: Buffer;
}

/** An event to append: its keys now, its record when the writer asks (building it is the costly part). */
export interface PendingRecord {
  eventId: string;
  /** Lowercase UUID. */
  tenantId: string;
  build(): HistoryRecord;
}

export interface AppendResult {
  stored: ChainedRecord[];
  /** Events whose id was already stored (not written again). */
  duplicates: number;
}

/** Marks a queued statement's rejection as handled until it is awaited (an earlier throw may skip that). */
// eslint-disable-next-line @typescript-eslint/promise-function-async -- it must return the very same promise
function queued<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

const COLUMNS = [
  'tenant_id',
  'seq',
  'kind',
  'event_id',
  'occurred_at',
  'agent_role',
  'job_id',
  'session_id',
  'trace_id',
  'exit_code',
  'status',
  'tools',
  'body',
  'search',
  'prev_hash',
  'row_hash',
] as const;

const MAX_ROWS_PER_STATEMENT = 256;
const statements = new Map<number, string>();

function insertSql(rows: number): string {
  let sql = statements.get(rows);
  if (sql === undefined) {
    const n = COLUMNS.length;
    const tuples = Array.from({ length: rows }, (_, r) => {
      const p = (c: number): string => `$${r * n + c + 1}`;
      // search travels as one space-separated string: cheaper to send and parse than a text[].
      return `(${p(0)},${p(1)},${p(2)},${p(3)},${p(4)},${p(5)},${p(6)},${p(7)},${p(8)},${p(9)},${p(10)},${p(11)},${p(12)},array_to_tsvector(string_to_array(${p(13)}, ' ')),${p(14)},${p(15)})`;
    });
    sql = `INSERT INTO observability.events (${COLUMNS.join(', ')}) VALUES ${tuples.join(',')}`;
    statements.set(rows, sql);
  }
  return sql;
}

function rowValues(r: ChainedRecord): unknown[] {
  return [
    r.tenantId,
    r.seq,
    r.kind,
    r.eventId,
    r.occurredAt,
    r.agentRole,
    r.jobId,
    r.sessionId,
    r.traceId,
    r.exitCode,
    r.status,
    r.tools,
    r.body,
    r.search === null ? null : r.search.join(' '),
    r.prevHash,
    r.rowHash,
  ];
}

/** Power-of-two chunk sizes covering `n` (500 → 256, 128, 64, 32, 16, 4): few distinct statements. */
export function chunkSizes(n: number): number[] {
  const sizes: number[] = [];
  let left = n;
  while (left > 0) {
    let size = MAX_ROWS_PER_STATEMENT;
    while (size > left) size >>= 1;
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

interface Head {
  seq: number;
  hash: Buffer;
}

@Injectable()
export class HistoryWriter {
  constructor(private readonly db: PgDatabase) {}

  /** Appends the events never stored before under `consumer`; `pending` must have distinct event ids. */
  async append(consumer: string, pending: readonly PendingRecord[]): Promise<AppendResult> {
    if (pending.length === 0) return { stored: [], duplicates: 0 };
    return this.db.transaction(async (sql) => {
      // One statement in flight at a time (node-postgres wants that), CPU work done while it runs.
      const tenants = [...new Set(pending.map((p) => p.tenantId))].sort();
      const locking = queued(this.lockHeads(sql, tenants));
      const records = pending.map((p) => p.build());
      const heads = await locking;
      const fresh = new Set(
        (
          await sql.prepared<{ event_id: string }>(
            'obs_inbox_insert',
            `INSERT INTO observability.inbox (consumer, event_id)
             SELECT $1, unnest($2::text[])
             ON CONFLICT DO NOTHING RETURNING event_id`,
            [consumer, pending.map((p) => p.eventId)],
          )
        ).map((row) => row.event_id),
      );
      const stored: ChainedRecord[] = [];
      let inFlight: Promise<unknown> | undefined;
      let next = 0;
      for (const size of chunkSizes(fresh.size)) {
        const chunk: ChainedRecord[] = [];
        while (chunk.length < size) {
          const r = records[next++]!;
          if (!fresh.has(r.eventId)) continue;
          const head = heads.get(r.tenantId)!;
          const fields = { ...r, seq: head.seq + 1 };
          const rowHash = chainHash(head.hash, fields);
          chunk.push({ ...fields, prevHash: head.hash, rowHash });
          head.seq = fields.seq;
          head.hash = rowHash;
        }
        stored.push(...chunk);
        const values = chunk.flatMap(rowValues);
        await inFlight;
        inFlight = queued(sql.prepared(`obs_events_insert_${size}`, insertSql(size), values));
      }
      await inFlight;
      if (stored.length > 0) await this.moveHeads(sql, stored, heads);
      return { stored, duplicates: pending.length - stored.length };
    });
  }

  private async lockHeads(sql: Sql, tenants: readonly string[]): Promise<Map<string, Head>> {
    // An upsert that changes nothing on conflict still locks the row and returns it.
    const rows = await sql.prepared<{ tenant_id: string; seq: string; row_hash: Buffer }>(
      'obs_lock_heads',
      `INSERT INTO observability.chain_heads (tenant_id, seq, row_hash)
       SELECT t, 0, $2::bytea FROM unnest($1::uuid[]) AS t ORDER BY t
       ON CONFLICT (tenant_id) DO UPDATE SET seq = observability.chain_heads.seq
       RETURNING tenant_id, seq, row_hash`,
      [tenants, GENESIS_HASH],
    );
    return new Map(rows.map((r) => [r.tenant_id, { seq: Number(r.seq), hash: r.row_hash }]));
  }

  private async moveHeads(
    sql: Sql,
    stored: readonly ChainedRecord[],
    heads: Map<string, Head>,
  ): Promise<void> {
    const moved = [...new Set(stored.map((r) => r.tenantId))];
    await sql.prepared(
      'obs_move_heads',
      `UPDATE observability.chain_heads AS h SET seq = v.seq, row_hash = v.row_hash, updated_at = now()
         FROM unnest($1::uuid[], $2::bigint[], $3::bytea[]) AS v(tenant_id, seq, row_hash)
        WHERE h.tenant_id = v.tenant_id`,
      [moved, moved.map((t) => heads.get(t)!.seq), moved.map((t) => heads.get(t)!.hash)],
    );
  }
}
