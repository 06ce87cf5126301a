// The observability store (issue 4), measured on its production bundle (node dist/main.js, since tsx
// cannot run Nest code) against this run's database and per-run stream namespaces:
// - ingest of a pre-published backlog (publish first, then measure the drain to committed rows), and
//   the live rate with the publisher running at the same time;
// - the cost of the hash chain: the service's own batch writer (from dist/) against the same INSERTs
//   without the chain; and chain verification rows/s through GET /api/v1/audit/verify;
// - job trace and session replay latency with 1,000,000 events stored (seeded with COPY as valid
//   chained rows, built by the service's own record and hash code).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import type { AgentEvent, ExecutionEvent } from '@auraison/contracts';
import { startTestIssuer, tenantEvent, type TestIssuer } from '@auraison/testing';
import { jetstream, jetstreamManager, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BenchContext, BenchSuite } from '../context.js';
import { percentileOfSorted, type BenchResult } from '../report.js';

// Loaded lazily (like the other suites) so a broken library fails this suite, not the whole bench.
type Contracts = typeof import('@auraison/contracts');
type Messaging = typeof import('@auraison/messaging');
interface Libs {
  contracts: Contracts;
  messaging: Messaging;
}

const ROOT = join(import.meta.dirname, '../../..');
const APP = join(ROOT, 'apps/observability-store');
const PUBLISH_WINDOW = 1000;
const WRITER_BATCH = 500;

// ---- the service's own code, loaded from its build (types declared here: tools never import apps)

interface HistoryRecord {
  kind: string;
  tenantId: string;
  eventId: string;
  occurredAt: Date;
  agentRole: string | null;
  jobId: string | null;
  sessionId: string | null;
  traceId: string | null;
  exitCode: number | null;
  status: string | null;
  tools: string[] | null;
  body: string;
  search: string[] | null;
}
type RecordResult = { ok: true; record: HistoryRecord } | { ok: false; reason: string };
interface AppCode {
  agentRecord(e: AgentEvent, nowMs: number, maxFutureMs: number): RecordResult;
  executionRecord(e: ExecutionEvent, nowMs: number, maxFutureMs: number): RecordResult;
  chainHash(prev: Buffer, r: HistoryRecord & { seq: number }): Buffer;
  GENESIS_HASH: Buffer;
  chunkSizes(n: number): number[];
  newWriter(pool: pg.Pool): {
    append(
      consumer: string,
      pending: Array<{ eventId: string; tenantId: string; build(): HistoryRecord }>,
    ): Promise<{ stored: unknown[] }>;
  };
}

async function loadAppCode(): Promise<AppCode> {
  await import('reflect-metadata');
  const load = async <T>(path: string): Promise<T> =>
    (await import(pathToFileURL(join(APP, 'dist', path)).href)) as T;
  const records = await load<Pick<AppCode, 'agentRecord' | 'executionRecord'>>(
    'ingest/domain/history-record.js',
  );
  const chain = await load<Pick<AppCode, 'chainHash' | 'GENESIS_HASH'>>('audit/domain/record-chain.js');
  const writer = await load<{
    chunkSizes: AppCode['chunkSizes'];
    HistoryWriter: new (db: unknown) => ReturnType<AppCode['newWriter']>;
  }>('ingest/persistence/history-writer.js');
  const { PgDatabase } = await load<{ PgDatabase: new (pool: pg.Pool) => unknown }>(
    'common/persistence/pg-database.js',
  );
  return {
    ...records,
    ...chain,
    chunkSizes: writer.chunkSizes,
    newWriter: (pool) => new writer.HistoryWriter(new PgDatabase(pool)),
  };
}

function build(ctx: BenchContext): void {
  ctx.log('observability: building the service (production bundle)');
  const result = spawnSync(
    'npx',
    ['nx', 'run', '@auraison/observability-store:build', '--output-style=static'],
    {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false' },
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    throw new Error(`building observability-store failed:\n${result.stdout}${result.stderr}`);
}

// ---- the service as a child process

interface Service {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function serviceEnv(ctx: BenchContext, issuer: TestIssuer, namespace: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...issuer.env,
    DATABASE_URL: ctx.databaseUrl,
    NATS_URL: ctx.natsUrl,
    MP_NATS_NAMESPACE: namespace,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
  };
}

async function startService(ctx: BenchContext, env: NodeJS.ProcessEnv): Promise<Service> {
  const child = spawn(process.execPath, [join(APP, 'dist/main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  ctx.defer(stop);
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => reject(new Error(`observability-store did not start:\n${buffered.slice(-2000)}`)),
      60_000,
    );
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
      if (buffered.length > 100_000) buffered = buffered.slice(-10_000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`observability-store exited with ${code}:\n${buffered.slice(-2000)}`)),
    );
  });
  return { url: `http://127.0.0.1:${port}`, child, stop };
}

/** Deletes the streams of a namespace (the service provisions them on start). */
async function deleteNamespace(nc: NatsConnection, namespace: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const prefix = `${namespace.toUpperCase()}_`;
  for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) await jsm.streams.delete(name);
}

// ---- events

const BASE_TIME = Date.now() - 60 * 60 * 1000;

function agentEventFor(template: AgentEvent, tenantId: string, i: number, tag: string): AgentEvent {
  return {
    ...template,
    eventId: `${tag}:${i}`,
    tenantId,
    timestamp: new Date(BASE_TIME + i),
    sessionId: `sess-${tag}-${i >> 3}`,
    jobId: `job-${tag}-${i >> 5}`,
  };
}

async function publishAll(
  js: JetStreamClient,
  subject: string,
  messages: Array<{ id: string; data: Uint8Array }>,
): Promise<void> {
  const h = headers();
  h.set('Content-Type', 'application/protobuf');
  for (let sent = 0; sent < messages.length; sent += PUBLISH_WINDOW) {
    const acks: Array<Promise<PubAck>> = [];
    for (const m of messages.slice(sent, sent + PUBLISH_WINDOW))
      acks.push(js.publish(subject, m.data, { msgID: m.id, headers: h }));
    await Promise.all(acks);
  }
}

/** Rows committed for these tenants (the chain heads move in the same transaction as the rows). */
async function committed(pool: pg.Pool, tenants: readonly string[]): Promise<number> {
  const { rows } = await pool.query<{ n: string | null }>(
    `SELECT sum(seq) AS n FROM observability.chain_heads WHERE tenant_id = ANY($1::uuid[])`,
    [tenants],
  );
  return Number(rows[0]?.n ?? 0);
}

async function waitCommitted(
  pool: pg.Pool,
  tenants: readonly string[],
  count: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await committed(pool, tenants);
    if (n >= count) return performance.now();
    if (Date.now() > deadline)
      throw new Error(`only ${n} of ${count} events committed within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface IngestFigures {
  backlog: number;
  live: number;
}

/** One namespace: announce tenants, pre-publish the backlog, start the service, time the drain; then a live load. */
async function ingestRun(
  { contracts, messaging }: Libs,
  ctx: BenchContext,
  nc: NatsConnection,
  pool: pg.Pool,
  issuer: TestIssuer,
  run: number,
  sizes: { backlog: number; live: number },
): Promise<IngestFigures> {
  const namespace = `b${ctx.runId}o${run}`.replace(/[^a-z0-9]/g, '').slice(0, 16);
  const { STREAMS, SUBJECTS, AgentEventMessage, TenantEventMessage } = contracts;
  const ns = new messaging.Namespace(namespace);
  const jsm = await jetstreamManager(nc);
  await messaging.provisionStreams(
    jsm,
    [
      STREAMS.agentEvents,
      STREAMS.executionEvents,
      STREAMS.tenantEvents,
      STREAMS.evalSummaries,
      STREAMS.audit,
      STREAMS.dlq,
    ],
    ns,
  );
  ctx.defer(async () => {
    for await (const name of jsm.streams.names())
      if (name.startsWith(ns.streamPrefix)) await jsm.streams.delete(name);
  });
  const js = jetstream(nc);
  const tenants = Array.from({ length: 4 }, () => randomUUID());
  for (const [i, tenantId] of tenants.entries())
    await js.publish(
      ns.subject(SUBJECTS.tenantEvents),
      TenantEventMessage.encode(tenantEvent({ tenantId, slug: `b-${run}-${i}`, revision: 1 })),
    );
  const template = ctx.payloads.event;
  const encode = (i: number, tag: string) => {
    const e = agentEventFor(template, tenants[i % tenants.length]!, i, tag);
    return { id: e.eventId, data: AgentEventMessage.encode(e) };
  };
  const backlog = Array.from({ length: sizes.backlog }, (_, i) => encode(i, `bl${run}`));
  await publishAll(js, ns.subject(SUBJECTS.agentEvents), backlog);
  ctx.log(`observability: run ${run}: ${sizes.backlog} events pre-published, starting the service`);

  const service = await startService(ctx, serviceEnv(ctx, issuer, namespace));
  const startedAt = performance.now();
  const atStart = await committed(pool, tenants);
  const drainedAt = await waitCommitted(pool, tenants, sizes.backlog, 600_000);
  const backlogRate = (sizes.backlog - atStart) / ((drainedAt - startedAt) / 1000);

  // Live: publishing and ingesting at the same time, timed from the first publish to the last commit.
  const live = Array.from({ length: sizes.live }, (_, i) => encode(i, `lv${run}`));
  const liveStart = performance.now();
  await publishAll(js, ns.subject(SUBJECTS.agentEvents), live);
  const liveDone = await waitCommitted(pool, tenants, sizes.backlog + sizes.live, 600_000);
  await service.stop();
  return { backlog: backlogRate, live: sizes.live / ((liveDone - liveStart) / 1000) };
}

// ---- the chain's cost: the service's writer vs the same INSERTs without it

const EVENT_COLUMNS =
  'tenant_id, seq, kind, event_id, occurred_at, agent_role, job_id, session_id, trace_id, exit_code, status, tools, body, search, prev_hash, row_hash';

function plainInsertSql(rows: number): string {
  const tuples = Array.from({ length: rows }, (_, r) => {
    const p = (c: number): string => `$${r * 16 + c + 1}`;
    return `(${Array.from({ length: 13 }, (_, c) => p(c)).join(',')},array_to_tsvector(string_to_array(${p(13)}, ' ')),${p(14)},${p(15)})`;
  });
  return `INSERT INTO observability.events (${EVENT_COLUMNS}) VALUES ${tuples.join(',')}`;
}

/** Same inbox and events INSERTs as the service, one transaction per batch, no head lock and no hashes. */
async function plainAppend(
  pool: pg.Pool,
  code: AppCode,
  records: HistoryRecord[],
  seqFrom: number,
): Promise<void> {
  const client = await pool.connect();
  const zero = Buffer.alloc(32);
  try {
    await client.query('BEGIN');
    await client.query({
      name: 'plain_inbox',
      text: `INSERT INTO observability.inbox (consumer, event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING event_id`,
      values: ['bench-plain', records.map((r) => r.eventId)],
    });
    let offset = 0;
    for (const size of code.chunkSizes(records.length)) {
      const values = records
        .slice(offset, offset + size)
        .flatMap((r, k) => [
          r.tenantId,
          seqFrom + offset + k,
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
          zero,
          zero,
        ]);
      offset += size;
      await client.query({ name: `plain_events_${size}`, text: plainInsertSql(size), values });
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

const pendingOf = (records: HistoryRecord[]) =>
  records.map((r) => ({ eventId: r.eventId, tenantId: r.tenantId, build: () => r }));

async function chainCost(ctx: BenchContext, pool: pg.Pool, code: AppCode, count: number, run: number) {
  const make = (tag: string): HistoryRecord[] => {
    const tenants = Array.from({ length: 4 }, () => randomUUID());
    return Array.from({ length: count }, (_, i) => {
      const r = code.agentRecord(
        agentEventFor(ctx.payloads.event, tenants[i % 4]!, i, `${tag}${run}`),
        Date.now(),
        86_400_000,
      );
      if (!r.ok) throw new Error(r.reason);
      return r.record;
    });
  };
  const chained = make('ch');
  const plain = make('pl');
  const writer = code.newWriter(pool);
  const timeIt = async (
    work: (batch: HistoryRecord[], from: number) => Promise<unknown>,
    records: HistoryRecord[],
  ) => {
    const start = performance.now();
    for (let i = 0; i < records.length; i += WRITER_BATCH)
      await work(records.slice(i, i + WRITER_BATCH), i + 1);
    return records.length / ((performance.now() - start) / 1000);
  };
  // Alternate the order between runs so neither always meets the warmer table.
  const first = run % 2 === 0;
  const a = await timeIt(
    async (b, from) => (first ? writer.append('bench', pendingOf(b)) : plainAppend(pool, code, b, from)),
    first ? chained : plain,
  );
  const b = await timeIt(
    async (b, from) => (first ? plainAppend(pool, code, b, from) : writer.append('bench', pendingOf(b))),
    first ? plain : chained,
  );
  return first ? { chain: a, plain: b } : { chain: b, plain: a };
}

// ---- a million stored events, as valid chained rows, with COPY

interface Seeded {
  tenants: string[];
  jobs: string[][];
  sessions: string[][];
}

const copyText = (v: string | null): string =>
  v === null
    ? '\\N'
    : v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
const arrayLiteral = (items: readonly string[]): string =>
  `{${items.map((t) => `"${t.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;

async function seed(
  { ExecutionStatus, Plane }: Contracts,
  ctx: BenchContext,
  pool: pg.Pool,
  code: AppCode,
  total: number,
): Promise<Seeded> {
  const tenants = Array.from({ length: 4 }, () => randomUUID());
  const perTenant = Math.floor(total / tenants.length / 5) * 5;
  const heads = tenants.map(() => ({ seq: 0, hash: code.GENESIS_HASH }));
  const jobs: string[][] = tenants.map(() => []);
  const sessions: string[][] = tenants.map(() => []);
  const spanMs = 40 * 24 * 3600 * 1000;
  const start = Date.now() - spanMs;
  const template = ctx.payloads.event;
  const client = await pool.connect();
  ctx.log(`observability: seeding ${perTenant * tenants.length} chained events with COPY`);
  try {
    // Episodes of five events: an agent creates job J in session S, J goes pending, running,
    // succeeded, and S follows up; one tenant at a time, in time order.
    function* rows(): Generator<string> {
      const episodes = perTenant / 5;
      for (const [t, tenantId] of tenants.entries()) {
        let chunk = '';
        for (let e = 0; e < episodes; e++) {
          const tag = `${t}-${e}`;
          const job = `job-${tag}`;
          const session = `sess-${tag}`;
          const trace = createHash('md5').update(tag).digest('hex');
          if (e % 97 === 0) {
            jobs[t]!.push(job);
            sessions[t]!.push(session);
          }
          const at = (k: number) => new Date(start + Math.floor((e / episodes) * spanMs) + k * 1000);
          const agent = (k: number, jobId: string): AgentEvent => ({
            ...template,
            eventId: `${tag}:a${k}`,
            tenantId,
            timestamp: at(k),
            jobId,
            sessionId: session,
            traceId: trace,
          });
          const exec = (k: number, status: ExecutionEvent['status']): ExecutionEvent => ({
            eventId: `${tag}:x${k}`,
            timestamp: at(k),
            plane: Plane.PLANE_USER,
            jobId: job,
            environment: 1,
            rayJobId: `ray-${tag}`,
            status,
            gpuSeconds: k * 100,
            tenantId,
            traceId: trace,
            sessionId: session,
            labels: {},
          });
          const results = [
            code.agentRecord(agent(0, job), Date.now(), 86_400_000),
            code.executionRecord(exec(1, ExecutionStatus.EXECUTION_STATUS_PENDING), Date.now(), 86_400_000),
            code.executionRecord(exec(2, ExecutionStatus.EXECUTION_STATUS_RUNNING), Date.now(), 86_400_000),
            code.executionRecord(exec(3, ExecutionStatus.EXECUTION_STATUS_SUCCEEDED), Date.now(), 86_400_000),
            code.agentRecord(agent(4, ''), Date.now(), 86_400_000),
          ];
          for (const r of results) {
            if (!r.ok) throw new Error(r.reason);
            const head = heads[t]!;
            const record = { ...r.record, seq: head.seq + 1 };
            const hash = code.chainHash(head.hash, record);
            chunk +=
              [
                record.tenantId,
                String(record.seq),
                record.kind,
                copyText(record.eventId),
                record.occurredAt.toISOString(),
                copyText(record.agentRole),
                copyText(record.jobId),
                copyText(record.sessionId),
                copyText(record.traceId),
                record.exitCode === null ? '\\N' : String(record.exitCode),
                copyText(record.status),
                record.tools === null ? '\\N' : copyText(arrayLiteral(record.tools)),
                copyText(record.body),
                record.search === null ? '\\N' : copyText(record.search.map((s) => `'${s}'`).join(' ')),
                `\\\\x${head.hash.toString('hex')}`,
                `\\\\x${hash.toString('hex')}`,
              ].join('\t') + '\n';
            head.seq = record.seq;
            head.hash = hash;
          }
          if (chunk.length > 1 << 20) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk) yield chunk;
      }
    }
    await pipeline(
      Readable.from(rows()),
      client.query(copyFrom(`COPY observability.events (${EVENT_COLUMNS}) FROM STDIN`)),
    );
    await client.query(
      `INSERT INTO observability.inbox (consumer, event_id)
       SELECT CASE kind WHEN 'agent' THEN 'agent-events' ELSE 'execution-events' END, event_id
         FROM observability.events WHERE tenant_id = ANY($1::uuid[])`,
      [tenants],
    );
    await client.query(
      `INSERT INTO observability.chain_heads (tenant_id, seq, row_hash)
       SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bytea[])`,
      [tenants, heads.map((h) => h.seq), heads.map((h) => h.hash)],
    );
    await client.query(
      `INSERT INTO observability.tenants (tenant_id, slug, name, status, k8s_namespace, allowed_environments, quota, revision)
       SELECT t, 'seed-' || t, 'seeded', 'active', 'mp-seed', '{torch.dev.gpu}', '{}', 1 FROM unnest($1::uuid[]) t`,
      [tenants],
    );
    await client.query('ANALYZE observability.events');
  } finally {
    client.release();
  }
  return { tenants, jobs, sessions };
}

async function latencies(
  urls: string[],
  auth: (i: number) => string,
  concurrency: number,
): Promise<number[]> {
  const out: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < urls.length) {
      const i = next++;
      const start = performance.now();
      const res = await fetch(urls[i]!, { headers: { Authorization: auth(i) } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${urls[i]} answered ${res.status}`);
      out.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out.sort((a, b) => a - b);
}

export const observabilityStoreSuite: BenchSuite = {
  id: 'observability',
  title: 'Observability store: ingest, hash chain, verification, traces',
  section: 'Observability store (issue 4)',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const libs: Libs = {
      contracts: await import('@auraison/contracts'),
      messaging: await import('@auraison/messaging'),
    };
    build(ctx);
    const issuer = await startTestIssuer('bench-issuer');
    ctx.defer(async () => issuer.close());
    const migrate = spawnSync(process.execPath, [join(APP, 'dist/migrate.js')], {
      env: serviceEnv(ctx, issuer, ''),
      encoding: 'utf8',
    });
    if (migrate.status !== 0) throw new Error(`observability-store migration failed: ${migrate.stderr}`);
    const code = await loadAppCode();
    const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 4 });
    ctx.defer(async () => pool.end());
    const nc = await connect({ servers: ctx.natsUrl, name: `mp-bench-obs-${ctx.runId}` });
    ctx.defer(async () => nc.close());
    const runs = ctx.runs(3);

    const sizes = { backlog: ctx.size(200_000, 20_000), live: ctx.size(100_000, 10_000) };
    const ingest = await ctx.repeat(
      `observability ingest: ${sizes.backlog} backlog + ${sizes.live} live`,
      runs,
      async (run) => ingestRun(libs, ctx, nc, pool, issuer, run, sizes),
      (f) => `backlog ${Math.round(f.backlog)}/s, live ${Math.round(f.live)}/s`,
    );

    const chainRows = ctx.size(50_000, 10_000);
    const cost = await ctx.repeat(
      `observability writer: ${chainRows} rows with and without the chain`,
      runs,
      async (run) => chainCost(ctx, pool, code, chainRows, run),
      (f) => `chain ${Math.round(f.chain)}/s, plain ${Math.round(f.plain)}/s`,
    );

    // A million more events stored (valid chained rows), then the read side.
    const seeded = await seed(libs.contracts, ctx, pool, code, ctx.size(1_000_000, 100_000));
    const { rows: stored } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM observability.events`,
    );
    const storedRows = Number(stored[0]!.n);
    const readNamespace = `b${ctx.runId}q`.replace(/[^a-z0-9]/g, '');
    ctx.defer(async () => deleteNamespace(nc, readNamespace));
    const service = await startService(ctx, serviceEnv(ctx, issuer, readNamespace));
    const tokens = await Promise.all(
      seeded.tenants.map(async (tenantId) =>
        issuer.token({ tenantId, roles: ['operator'], ttlSeconds: 3600 }),
      ),
    );
    const auth = (t: number): string => `Bearer ${tokens[t % tokens.length]}`;
    const requests = ctx.size(2000, 300);
    const pick = (lists: string[][], i: number): string => {
      const list = lists[i % lists.length]!;
      return list[(i * 7919) % list.length]!;
    };
    const traceUrls = Array.from(
      { length: requests },
      (_, i) => `${service.url}/api/v1/jobs/${pick(seeded.jobs, i)}/trace`,
    );
    const replayUrls = Array.from(
      { length: requests },
      (_, i) => `${service.url}/api/v1/sessions/${pick(seeded.sessions, i)}/replay`,
    );
    await latencies(traceUrls.slice(0, 50), auth, 4); // warm-up
    const reads = await ctx.repeat(
      `observability reads: ${requests} job traces and session replays (${storedRows} events stored)`,
      runs,
      async () => {
        const trace = await latencies(traceUrls, auth, 4);
        const replay = await latencies(replayUrls, auth, 4);
        const verifyRes = await fetch(`${service.url}/api/v1/audit/verify`, {
          headers: { Authorization: auth(0) },
        });
        const verify = (await verifyRes.json()) as {
          intact: boolean;
          rows_verified: number;
          duration_ms: number;
        };
        if (!verify.intact) throw new Error(`seeded chain does not verify: ${JSON.stringify(verify)}`);
        return {
          traceP50: percentileOfSorted(trace, 50),
          traceP99: percentileOfSorted(trace, 99),
          replayP50: percentileOfSorted(replay, 50),
          replayP99: percentileOfSorted(replay, 99),
          verifyRate: verify.rows_verified / (verify.duration_ms / 1000),
          verifyRows: verify.rows_verified,
        };
      },
      (f) =>
        `trace p50 ${f.traceP50.toFixed(1)} / p99 ${f.traceP99.toFixed(1)} ms, replay p50 ${f.replayP50.toFixed(1)} / ` +
        `p99 ${f.replayP99.toFixed(1)} ms, verify ${Math.round(f.verifyRate)} rows/s`,
    );
    await service.stop();

    const bundle = 'production bundle (node dist/main.js), client and servers on the same cores';
    const event = `${ctx.payloads.description}, 4 tenants`;
    const readLoad = `${requests} requests, 4 in flight, random jobs/sessions, ${storedRows} events stored`;
    return [
      {
        id: 'obs-ingest-backlog',
        title: 'ingest of a pre-published backlog into the hash-chained history',
        unit: 'events/s',
        samples: ingest.map((f) => f.backlog),
        conditions: `${sizes.backlog} AgentEvents (${event}) published first, drain timed from start-up to the last COMMIT; batches of 500; ${bundle}`,
        baselineId: 'js-consume-ack',
      },
      {
        id: 'obs-ingest-live',
        title: 'ingest with the publisher running at the same time',
        unit: 'events/s',
        samples: ingest.map((f) => f.live),
        conditions: `${sizes.live} AgentEvents published (windows of ${PUBLISH_WINDOW}) while the service ingests; first publish to last COMMIT`,
        baselineId: 'js-publish',
      },
      {
        id: 'obs-plain-insert',
        title: 'history rows without the chain (same INSERTs, no head lock, no hashes)',
        unit: 'rows/s',
        samples: cost.map((f) => f.plain),
        conditions: `${chainRows} AgentEvent rows, batches of ${WRITER_BATCH} (inbox + multi-row INSERTs), one connection`,
      },
      {
        id: 'obs-chain-insert',
        title: "history rows through the service's chained writer",
        unit: 'rows/s',
        samples: cost.map((f) => f.chain),
        conditions: `as above plus the per-tenant head lock, SHA-256 per row and the head update`,
        baselineId: 'obs-plain-insert',
      },
      {
        id: 'obs-verify',
        title: 'chain verification (GET /api/v1/audit/verify)',
        unit: 'rows/s',
        samples: reads.map((f) => f.verifyRate),
        conditions: `one tenant's chain of ${reads[0]?.verifyRows ?? 0} rows, re-hashed in PostgreSQL (one core)`,
      },
      {
        id: 'obs-trace-p50',
        title: 'GET /api/v1/jobs/:job_id/trace, p50',
        unit: 'ms',
        samples: reads.map((f) => f.traceP50),
        conditions: readLoad,
      },
      {
        id: 'obs-trace-p99',
        title: 'GET /api/v1/jobs/:job_id/trace, p99',
        unit: 'ms',
        samples: reads.map((f) => f.traceP99),
        conditions: readLoad,
      },
      {
        id: 'obs-replay-p50',
        title: 'GET /api/v1/sessions/:session_id/replay, p50',
        unit: 'ms',
        samples: reads.map((f) => f.replayP50),
        conditions: readLoad,
      },
      {
        id: 'obs-replay-p99',
        title: 'GET /api/v1/sessions/:session_id/replay, p99',
        unit: 'ms',
        samples: reads.map((f) => f.replayP99),
        conditions: readLoad,
      },
    ];
  },
};
