// Raw PostgreSQL writes of AgentEvent rows through node-postgres on one connection: multi-row INSERT
// with ON CONFLICT, COPY FROM STDIN, and single-row INSERT committed one by one. Each run writes into
// fresh tables of the run's own database.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BenchContext, BenchSuite } from '../context.js';
import type { BenchResult } from '../report.js';
import {
  agentEventRows,
  copyFromSql,
  copyText,
  createTableSql,
  multiRowInsertSql,
  rowTextBytes,
  type AgentEventRow,
} from './agent-event-rows.js';

const ROWS_PER_STATEMENT = 500;
const ROWS_PER_COPY_CHUNK = 1000;

interface RunFigures {
  insertBatch: number;
  copy: number;
  insertSingle: number;
}

function perSecond(count: number, startMs: number): number {
  return count / ((performance.now() - startMs) / 1000);
}

async function freshTable(client: pg.Client, table: string): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(createTableSql(table));
}

async function expectRows(client: pg.Client, table: string, count: number): Promise<void> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  if (Number(rows[0]?.n) !== count) throw new Error(`${table}: ${rows[0]?.n} rows written of ${count}`);
}

async function insertBatches(
  client: pg.Client,
  table: string,
  rows: readonly AgentEventRow[],
): Promise<number> {
  // Full batches reuse one named prepared statement: parsing and planning 5000 placeholders every
  // time would measure the parser rather than the write path.
  const prepared = {
    name: `${table}_insert_${ROWS_PER_STATEMENT}`,
    text: multiRowInsertSql(table, ROWS_PER_STATEMENT),
  };
  const start = performance.now();
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const batch = rows.slice(i, i + ROWS_PER_STATEMENT);
    const statement =
      batch.length === ROWS_PER_STATEMENT ? prepared : { text: multiRowInsertSql(table, batch.length) };
    await client.query({ ...statement, values: batch.flat() });
  }
  return perSecond(rows.length, start);
}

async function copyRows(client: pg.Client, table: string, rows: readonly AgentEventRow[]): Promise<number> {
  const start = performance.now();
  function* chunks(): Generator<string> {
    for (let i = 0; i < rows.length; i += ROWS_PER_COPY_CHUNK)
      yield copyText(rows.slice(i, i + ROWS_PER_COPY_CHUNK));
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(copyFromSql(table))));
  return perSecond(rows.length, start);
}

/** Inserts rows one statement (and commit) at a time for `durationMs`; returns rows written and rate. */
async function insertSingles(
  client: pg.Client,
  table: string,
  rows: readonly AgentEventRow[],
  durationMs: number,
): Promise<{ count: number; rate: number }> {
  const statement = { name: `${table}_insert_1`, text: multiRowInsertSql(table, 1) };
  const start = performance.now();
  const deadline = start + durationMs;
  let count = 0;
  while (count < rows.length && performance.now() < deadline) {
    await client.query({ ...statement, values: rows[count] });
    count++;
  }
  return { count, rate: perSecond(count, start) };
}

export const postgresSuite: BenchSuite = {
  id: 'postgres',
  title: 'Raw PostgreSQL writes of AgentEvent rows',
  section: 'Raw baselines',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const bulkRows = ctx.size(200_000, 20_000);
    const singleMs = ctx.size(3_000, 500);
    const runs = ctx.runs(5);
    const rows = agentEventRows(ctx.payloads.event, bulkRows);
    const rowBytes = Math.round(
      rows.slice(0, 100).reduce((n, r) => n + rowTextBytes(r), 0) / Math.min(100, rows.length),
    );
    const client = new pg.Client({
      connectionString: ctx.databaseUrl,
      application_name: `mp-bench-${ctx.runId}`,
    });
    await client.connect();
    ctx.defer(async () => {
      await client.end();
    });

    const figures = await ctx.repeat(
      `PostgreSQL INSERT/COPY ${bulkRows} rows, single INSERTs for ${singleMs} ms`,
      runs,
      async (run): Promise<RunFigures> => {
        const table = `agent_events_${run}`;
        await freshTable(client, table);
        const insertBatch = await insertBatches(client, table, rows);
        await expectRows(client, table, bulkRows);

        await freshTable(client, table);
        const copy = await copyRows(client, table, rows);
        await expectRows(client, table, bulkRows);

        await freshTable(client, table);
        const single = await insertSingles(client, table, rows, singleMs);
        await expectRows(client, table, single.count);
        await client.query(`DROP TABLE ${table}`);
        return { insertBatch, copy, insertSingle: single.rate };
      },
      (f) =>
        `INSERT x${ROWS_PER_STATEMENT} ${Math.round(f.insertBatch)}/s, COPY ${Math.round(f.copy)}/s, ` +
        `single ${Math.round(f.insertSingle)}/s`,
    );

    const shape = `AgentEvent rows (~${rowBytes} B as text, jsonb tool_calls) into a fresh table with primary key event_id; one connection`;
    return [
      {
        id: 'pg-insert-batch',
        title: `PostgreSQL multi-row INSERT, ${ROWS_PER_STATEMENT} rows per statement`,
        unit: 'rows/s',
        samples: figures.map((f) => f.insertBatch),
        conditions: `${bulkRows} ${shape}; ON CONFLICT (event_id) DO NOTHING, named prepared statement, autocommit per statement`,
      },
      {
        id: 'pg-copy',
        title: 'PostgreSQL COPY FROM STDIN',
        unit: 'rows/s',
        samples: figures.map((f) => f.copy),
        conditions: `${bulkRows} ${shape}; text format via pg-copy-streams, one COPY`,
      },
      {
        id: 'pg-insert-single',
        title: 'PostgreSQL single-row INSERT, commit each',
        unit: 'rows/s',
        samples: figures.map((f) => f.insertSingle),
        conditions: `one autocommit INSERT ... ON CONFLICT (prepared) per row for ${singleMs / 1000} s; synchronous_commit as configured`,
      },
    ];
  },
};
