// The hash chain of each tenant's history (DESIGN §5): rows are numbered 1, 2, 3... per tenant (`seq`)
// and row n stores
//
//   row_hash(n) = SHA-256( row_hash(n-1) || canonical(n) )      row_hash(0) = 32 zero bytes
//
// where canonical(n) is the UTF-8 of the row as canonical JSON (RFC 8785, keys sorted): every column a
// query can filter on plus the whole event (`event`, itself canonical JSON as stored in `body`):
//
//   {"agent_role":..,"event":{..},"event_id":..,"exit_code":..,"job_id":..,"kind":..,
//    "occurred_at":"2026-12-04T10:11:12.345000Z","seq":..,"session_id":..,"status":..,
//    "tenant_id":"..","tools":[..],"trace_id":..}
//
// Absent values are null; occurred_at has microseconds, in UTC. Changing any stored column of a row,
// its order, or removing a row breaks the chain at that row. The same text is built in SQL by the
// verifier (audit/persistence/chain.repository.ts); a test proves both agree.
import { createHash } from 'node:crypto';

export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** The hashed columns of a history row. */
export interface ChainFields {
  tenantId: string;
  seq: number;
  kind: string;
  eventId: string;
  occurredAt: Date;
  agentRole: string | null;
  jobId: string | null;
  sessionId: string | null;
  traceId: string | null;
  exitCode: number | null;
  status: string | null;
  tools: readonly string[] | null;
  /** The event as canonical JSON. */
  body: string;
}

/** `2026-12-04T10:11:12.345000Z`: a timestamp as PostgreSQL prints it with microseconds. */
export function microsecondTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 23)}000Z`;
}

const json = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));

/** canonical(n): the row as canonical JSON. */
export function canonicalRecord(r: ChainFields): string {
  return (
    `{"agent_role":${json(r.agentRole)},"event":${r.body},"event_id":${json(r.eventId)},` +
    `"exit_code":${r.exitCode === null ? 'null' : String(r.exitCode)},"job_id":${json(r.jobId)},` +
    `"kind":${json(r.kind)},"occurred_at":"${microsecondTimestamp(r.occurredAt)}","seq":${r.seq},` +
    `"session_id":${json(r.sessionId)},"status":${json(r.status)},"tenant_id":"${r.tenantId}",` +
    `"tools":${r.tools === null ? 'null' : JSON.stringify(r.tools)},"trace_id":${json(r.traceId)}}`
  );
}

/** row_hash(n) from row_hash(n-1) and the row. */
export function chainHash(prevHash: Buffer, r: ChainFields): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalRecord(r), 'utf8').digest();
}
