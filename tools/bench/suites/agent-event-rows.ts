// AgentEvent-shaped rows for the PostgreSQL baselines, and the SQL / COPY text that writes them.
import type { AgentEvent } from '@auraison/contracts';

export const AGENT_EVENT_COLUMNS = [
  'event_id',
  'ts',
  'tenant_id',
  'agent_role',
  'job_id',
  'session_id',
  'tokens_in',
  'tokens_out',
  'exit_code',
  'tool_calls',
] as const;

/** Values in AGENT_EVENT_COLUMNS order; ts as ISO text and tool_calls as JSON text. */
export type AgentEventRow = [string, string, string, string, string, string, number, number, number, string];

export function createTableSql(table: string): string {
  return `CREATE TABLE ${table} (
    event_id text PRIMARY KEY,
    ts timestamptz NOT NULL,
    tenant_id uuid NOT NULL,
    agent_role text NOT NULL,
    job_id text NOT NULL,
    session_id text NOT NULL,
    tokens_in bigint NOT NULL,
    tokens_out bigint NOT NULL,
    exit_code int NOT NULL,
    tool_calls jsonb NOT NULL
  )`;
}

const TENANTS = Array.from(
  { length: 8 },
  (_, i) => `6f1c2d3e-4a5b-4c6d-8e7f-${(i + 1).toString(16).padStart(12, '0')}`,
);

/** `count` distinct rows derived from one event: unique ids, a few tenants, varying counters. */
export function agentEventRows(event: AgentEvent, count: number): AgentEventRow[] {
  const toolCalls = JSON.stringify(event.toolCalls);
  const base = (event.timestamp ?? new Date()).getTime();
  const rows: AgentEventRow[] = new Array<AgentEventRow>(count);
  for (let i = 0; i < count; i++) {
    const session = `${event.sessionId}-${i >> 6}`;
    rows[i] = [
      `${session}:msg_${String(i).padStart(8, '0')}`,
      new Date(base + i).toISOString(),
      TENANTS[i % TENANTS.length]!,
      event.agentRole,
      `${event.jobId}-${i >> 10}`,
      session,
      event.tokensIn + (i % 500),
      event.tokensOut + (i % 50),
      i % 97 === 0 ? 1 : 0,
      toolCalls,
    ];
  }
  return rows;
}

/** Approximate bytes of one row's values as text (what the client sends). */
export function rowTextBytes(row: AgentEventRow): number {
  return row.reduce<number>((n, v) => n + Buffer.byteLength(String(v)), 0);
}

/** `INSERT ... VALUES ($1..$10), ... ON CONFLICT (event_id) DO NOTHING` for `rows` rows. */
export function multiRowInsertSql(table: string, rows: number): string {
  const width = AGENT_EVENT_COLUMNS.length;
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    tuples.push(`(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(',')})`);
  }
  return `INSERT INTO ${table} (${AGENT_EVENT_COLUMNS.join(',')}) VALUES ${tuples.join(',')} ON CONFLICT (event_id) DO NOTHING`;
}

export function copyFromSql(table: string): string {
  return `COPY ${table} (${AGENT_EVENT_COLUMNS.join(',')}) FROM STDIN`;
}

// COPY text format: backslash, tab, newline and carriage return must be escaped inside a field.
export function escapeCopyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

/** Rows as COPY text lines (tab-separated, newline-terminated). */
export function copyText(rows: readonly AgentEventRow[]): string {
  let out = '';
  for (const row of rows) {
    out += row.map((v) => (typeof v === 'number' ? String(v) : escapeCopyText(v))).join('\t') + '\n';
  }
  return out;
}
