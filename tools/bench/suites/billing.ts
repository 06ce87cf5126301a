// Billing (issue 5): the production bundle (node apps/billing/dist/main.js) ingesting usage events from
// JetStream into PostgreSQL (ledger line + aggregates + budget check per event, one transaction per
// batch), driven from here as child processes.
//  1. Backlog: N usage events (85% AgentEvents of ~400 B, 15% terminal ExecutionEvents) published
//     before billing starts, then ingested by one and by two replicas sharing the durable consumers.
//     Rate = events / (last batch's transaction start - first batch's), from the ledger's ingested_at.
//  2. Lag: AgentEvents published at a steady 5,000/s to one replica; each event's lag is from its
//     publish call to the first poll (every 10 ms) that sees the tenant's aggregate count it (one
//     stream, consumed in order, so a count of k means the first k published are in).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import type { AgentEvent } from '@auraison/contracts';
import type { Namespace } from '@auraison/messaging';
import { jetstream, jetstreamManager, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import type { BenchContext, BenchSuite } from '../context.js';
import { percentileOfSorted, type BenchResult } from '../report.js';

// Loaded when the suite runs, like the payload: a broken contracts build must not stop the other suites.
type Contracts = typeof import('@auraison/contracts');
type Messaging = typeof import('@auraison/messaging');

const ROOT = join(import.meta.dirname, '../../..');
const APP = join(ROOT, 'apps/billing/dist');
const TENANTS = 4;
const PUBLISH_WINDOW = 1000;
const LAG_RATE = 5000;
const LAG_POLL_MS = 10;

interface Replica {
  child: ChildProcess;
  stop(): Promise<void>;
}

function buildBilling(ctx: BenchContext): void {
  ctx.log('billing: building the production bundle');
  const build = spawnSync('npx', ['nx', 'run', '@auraison/billing:build', '--output-style=static'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false' },
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`building billing failed:\n${build.stdout}${build.stderr}`);
}

function replicaEnv(ctx: BenchContext, namespace: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: ctx.databaseUrl,
    NATS_URL: ctx.natsUrl,
    MP_NATS_NAMESPACE: namespace,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
    // No token is ever checked here; the JWKS URL only has to be well-formed.
    MP_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
  };
}

async function startReplica(ctx: BenchContext, namespace: string): Promise<Replica> {
  const child = spawn(process.execPath, [join(APP, 'main.js')], {
    env: replicaEnv(ctx, namespace),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  ctx.defer(stop);
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('billing did not start within 30 s')), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n'))
        if (/"level":"(warn|error|fatal)"/.test(line)) ctx.log(`billing: ${line.slice(0, 400)}`);
      buffered = (buffered + chunk.toString()).slice(-10_000);
      if (/listening on http:\/\//.test(buffered)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`billing exited with ${code} before listening`));
    });
  });
  return { child, stop };
}

/** A fresh billing schema (migrated by the bundle's migrate command) with the bench's tenants known. */
async function freshSchema(ctx: BenchContext, namespace: string, tenants: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS billing CASCADE');
  } finally {
    await client.end();
  }
  const migrate = spawnSync(process.execPath, [join(APP, 'migrate.js')], {
    env: replicaEnv(ctx, namespace),
    encoding: 'utf8',
  });
  if (migrate.status !== 0) throw new Error(`billing migration failed: ${migrate.stderr}`);
  const db = new pg.Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  try {
    // What the tenant projection would hold after the tenants' TenantEvents.
    for (const [i, id] of tenants.entries())
      await db.query(
        `INSERT INTO billing.tenants (tenant_id, slug, name, status, k8s_namespace, allowed_environments, quota, revision)
         VALUES ($1, $2, $2, 'active', $3, '{torch.dev.gpu,ros.dev.gpu}', $4, 1)`,
        [id, `bench-${i}`, `mp-bench-${i}`, JSON.stringify({ periodAnchorDay: i === 0 ? 15 : 1 })],
      );
  } finally {
    await db.end();
  }
}

/** Usage events of a few tenants, users, jobs, roles, models and both environments. */
class UsageEvents {
  private n = 0;
  private readonly users: string[];
  private readonly run = randomUUID().slice(0, 8);

  constructor(
    private readonly c: Contracts,
    private readonly base: AgentEvent,
    private readonly tenants: string[],
  ) {
    this.users = Array.from({ length: 20 }, () => randomUUID());
  }

  /** The i-th event: [subject, protobuf bytes, event id]. */
  next(executionShare: number): [string, Uint8Array, string] {
    const { AgentEventMessage, Environment, ExecutionEventMessage, ExecutionStatus, Plane, SUBJECTS } =
      this.c;
    const i = this.n++;
    const tenantId = this.tenants[i % this.tenants.length]!;
    const jobId = `job-${this.run}-${Math.floor(i / 6)}`;
    const timestamp = new Date(Date.now() - (i % 3600) * 1000);
    if ((i * 7919) % 100 < executionShare * 100) {
      const eventId = `raysubmit_${this.run}_${i}:SUCCEEDED:1`;
      return [
        SUBJECTS.executionEvents,
        ExecutionEventMessage.encode({
          eventId,
          timestamp,
          plane: Plane.PLANE_USER,
          jobId,
          environment:
            i % 2 === 0 ? Environment.ENVIRONMENT_TORCH_DEV_GPU : Environment.ENVIRONMENT_ROS_DEV_GPU,
          rayJobId: `raysubmit_${this.run}_${i}`,
          status: ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
          gpuSeconds: 60 + (i % 7200) + 0.125,
          tenantId,
          userId: this.users[i % this.users.length]!,
          gpuCount: 1 + (i % 4),
          labels: {},
        }),
        eventId,
      ];
    }
    const eventId = `sess-${this.run}:msg_${i}`;
    return [
      SUBJECTS.agentEvents,
      AgentEventMessage.encode({
        ...this.base,
        eventId,
        timestamp,
        tenantId,
        jobId,
        userId: this.users[i % this.users.length]!,
        agentRole: ['notebook', 'cluster', 'wandb', 'lakehouse'][i % 4]!,
        model: ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-5'][i % 3]!,
        tokensIn: 1000 + (i % 5000),
        tokensOut: 200 + (i % 900),
      }),
      eventId,
    ];
  }
}

async function publishBacklog(
  js: JetStreamClient,
  ns: Namespace,
  events: UsageEvents,
  count: number,
): Promise<void> {
  for (let sent = 0; sent < count;) {
    const n = Math.min(PUBLISH_WINDOW, count - sent);
    const acks: Array<Promise<PubAck>> = [];
    for (let i = 0; i < n; i++) {
      const [subject, data, msgID] = events.next(0.15);
      acks.push(js.publish(ns.subject(subject), data, { msgID, timeout: 30_000 }));
    }
    await Promise.all(acks);
    sent += n;
  }
}

async function eventsIngested(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: string | null }>(
    `SELECT sum(events)::text AS n FROM billing.usage_totals WHERE dimension = 'tenant'`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Waits until `count` events are in the aggregates; fails when nothing moves for `stallMs`. */
async function waitIngested(db: pg.Client, count: number, stallMs: number): Promise<void> {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const n = await eventsIngested(db);
    if (n === count) return;
    if (n > count) throw new Error(`${n} events ingested of ${count}: counted twice`);
    if (n !== last) {
      last = n;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > stallMs)
      throw new Error(`ingest stalled at ${n} of ${count} events for ${stallMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Env {
  contracts: Contracts;
  messaging: Messaging;
  nc: NatsConnection;
  js: JetStreamClient;
  db: pg.Client;
  tenants: string[];
}

async function backlogRun(
  ctx: BenchContext,
  env: Env,
  replicas: number,
  count: number,
  label: string,
): Promise<number> {
  const namespace = `b${ctx.runId}${label}`.replace(/[^a-z0-9]/g, '').slice(0, 16);
  const ns = new env.messaging.Namespace(namespace);
  await freshSchema(ctx, namespace, env.tenants);
  const jsm = await jetstreamManager(env.nc);
  const { STREAMS } = env.contracts;
  await env.messaging.provisionStreams(
    jsm,
    [STREAMS.agentEvents, STREAMS.executionEvents, STREAMS.tenantEvents, STREAMS.alerts, STREAMS.dlq],
    ns,
  );
  const removeStreams = async (): Promise<void> => {
    for await (const name of jsm.streams.names())
      if (name.startsWith(ns.streamPrefix)) await jsm.streams.delete(name).catch(() => false);
  };
  ctx.defer(removeStreams);
  await publishBacklog(env.js, ns, new UsageEvents(env.contracts, ctx.payloads.event, env.tenants), count);
  const running = await Promise.all(
    Array.from({ length: replicas }, async () => startReplica(ctx, namespace)),
  );
  try {
    await waitIngested(env.db, count, 60_000);
  } finally {
    await Promise.all(running.map(async (r) => r.stop()));
    await removeStreams();
  }
  const { rows } = await env.db.query<{ seconds: number; lines: string }>(
    `SELECT extract(epoch FROM max(ingested_at) - min(ingested_at))::float8 AS seconds, count(*)::text AS lines
       FROM billing.usage_lines`,
  );
  if (Number(rows[0]!.lines) !== count) throw new Error(`${rows[0]!.lines} lines for ${count} events`);
  return count / rows[0]!.seconds;
}

async function lagRun(ctx: BenchContext, env: Env, seconds: number, run: number): Promise<number[]> {
  const namespace = `b${ctx.runId}l${run}`.replace(/[^a-z0-9]/g, '').slice(0, 16);
  const ns = new env.messaging.Namespace(namespace);
  await freshSchema(ctx, namespace, env.tenants);
  const replica = await startReplica(ctx, namespace);
  const jsm = await jetstreamManager(env.nc);
  const removeStreams = async (): Promise<void> => {
    for await (const name of jsm.streams.names())
      if (name.startsWith(ns.streamPrefix)) await jsm.streams.delete(name).catch(() => false);
  };
  ctx.defer(removeStreams);
  // One tenant, AgentEvents only. Publish times are taken when each group (every 10 ms) is issued.
  const events = new UsageEvents(env.contracts, ctx.payloads.event, env.tenants.slice(0, 1));
  const subject = ns.subject(env.contracts.SUBJECTS.agentEvents);
  const total = LAG_RATE * seconds;
  const sentAt = new Float64Array(total);
  const lags: number[] = [];
  const pending: Array<Promise<PubAck[]>> = [];
  let seen = 0;
  let stopped = false;
  const poller = (async () => {
    while (seen < total && !stopped) {
      const n = await eventsIngested(env.db);
      const now = performance.now();
      for (; seen < n && seen < total; seen++) lags.push(now - sentAt[seen]!);
      await new Promise((r) => setTimeout(r, LAG_POLL_MS));
    }
  })();
  try {
    const started = performance.now();
    const perTick = LAG_RATE / 100; // every 10 ms
    for (let sent = 0; sent < total;) {
      const due = started + (sent / LAG_RATE) * 1000;
      const wait = due - performance.now();
      // Always yield, even when behind schedule: the client only writes to the socket between turns.
      await new Promise((r) => setTimeout(r, Math.max(0, wait)));
      const batch: Array<Promise<PubAck>> = [];
      const now = performance.now();
      for (let i = 0; i < perTick && sent < total; i++, sent++) {
        const [, data, msgID] = events.next(0);
        sentAt[sent] = now;
        batch.push(env.js.publish(subject, data, { msgID, timeout: 30_000 }));
      }
      pending.push(Promise.all(batch));
    }
    await Promise.all(pending);
    await waitIngested(env.db, total, 60_000);
    await poller;
  } finally {
    stopped = true;
    await poller;
    await replica.stop();
    await removeStreams();
  }
  return lags.sort((a, b) => a - b);
}

export const billingSuite: BenchSuite = {
  id: 'billing',
  title: 'Billing ingest (backlog, one and two replicas) and publish-to-aggregate lag',
  section: 'Billing (issue 5)',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    buildBilling(ctx);
    const nc = await connect({ servers: ctx.natsUrl, name: `mp-bench-billing-${ctx.runId}` });
    ctx.defer(async () => nc.close());
    const db = new pg.Client({
      connectionString: ctx.databaseUrl,
      application_name: `mp-bench-${ctx.runId}`,
    });
    await db.connect();
    ctx.defer(async () => db.end());
    const env: Env = {
      contracts: await import('@auraison/contracts'),
      messaging: await import('@auraison/messaging'),
      nc,
      js: jetstream(nc),
      db,
      tenants: Array.from({ length: TENANTS }, () => randomUUID()),
    };
    const count = ctx.size(200_000, 20_000);
    const runs = ctx.runs(3);
    const one = await ctx.repeat(
      `billing backlog of ${count}, one replica`,
      runs,
      async (run) => backlogRun(ctx, env, 1, count, `a${run}`),
      (r) => `${Math.round(r)} events/s`,
    );
    const two = await ctx.repeat(
      `billing backlog of ${count}, two replicas`,
      runs,
      async (run) => backlogRun(ctx, env, 2, count, `c${run}`),
      (r) => `${Math.round(r)} events/s`,
    );
    const seconds = ctx.size(20, 5);
    const lag = await ctx.repeat(
      `billing lag at ${LAG_RATE}/s for ${seconds} s`,
      ctx.runs(3),
      async (run) => lagRun(ctx, env, seconds, run),
      (l) => `p50 ${percentileOfSorted(l, 50).toFixed(1)} ms, p99 ${percentileOfSorted(l, 99).toFixed(1)} ms`,
    );
    const backlog = `${count} events pre-published (85% AgentEvents of ${ctx.payloads.message.length} B, 15% terminal ExecutionEvents, ${TENANTS} tenants), production bundle, batches of 500; events / span of ledger transaction starts`;
    return [
      {
        id: 'billing-ingest-1',
        title: 'billing ingest, one replica',
        unit: 'events/s',
        samples: one,
        conditions: `${backlog}; one process`,
        baselineId: 'js-consume-ack',
      },
      {
        id: 'billing-ingest-2',
        title: 'billing ingest, two replicas',
        unit: 'events/s',
        samples: two,
        conditions: `${backlog}; two processes sharing the durable consumers`,
        baselineId: 'js-consume-ack',
      },
      {
        id: 'billing-lag-p50',
        title: `billing lag publish → tenant aggregate, p50 at ${LAG_RATE} events/s`,
        unit: 'ms',
        samples: lag.map((l) => percentileOfSorted(l, 50)),
        conditions: `AgentEvents published at a steady ${LAG_RATE}/s for ${seconds} s to one replica; from the publish call to the first 10 ms poll of the aggregate that counts the event`,
      },
      {
        id: 'billing-lag-p99',
        title: `billing lag publish → tenant aggregate, p99 at ${LAG_RATE} events/s`,
        unit: 'ms',
        samples: lag.map((l) => percentileOfSorted(l, 99)),
        conditions: 'same load',
      },
    ];
  },
};
