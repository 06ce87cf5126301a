// Exactly-once billing across replicas: two billing processes (the production bundle) share the durable
// consumers while usage events and 10% duplicates are published; one replica is killed with SIGKILL
// mid-stream and started again. The totals must equal a ground truth computed here, independently of
// billing's code, to the micro-USD.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AgentEventMessage,
  CONSUMERS,
  Environment,
  ExecutionEventMessage,
  ExecutionStatus,
  Plane,
  STREAMS,
  SUBJECTS,
  TenantEventMessage,
} from '@auraison/contracts';
import { JetStreamPublisher, Namespace, provisionStreams } from '@auraison/messaging';
import {
  createTestDatabase,
  deleteNamespace,
  natsUrl,
  tenantEvent,
  uniqueNamespace,
  type TestDatabase,
} from '@auraison/testing';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { SEED_GPU_RATES, SEED_MODEL_RATES } from '../src/price-book/seed/price-book.seed.js';
import { ensureBundle, migrate, startReplica, type ChildReplica } from './support/bundle.js';

/** 100,000 by default; MP_BILLING_REPLICA_EVENTS overrides it (e.g. 1,000,000 for a long run). */
const EVENTS = Number(process.env.MP_BILLING_REPLICA_EVENTS ?? 100_000);
const DUPLICATE_SHARE = 0.1;
const TENANTS = [
  { id: '0b7f3c4e-1111-4a5b-8c6d-000000000001', anchorDay: 1 },
  { id: '0b7f3c4e-2222-4a5b-8c6d-000000000002', anchorDay: 15 },
  { id: '0b7f3c4e-3333-4a5b-8c6d-000000000003', anchorDay: 1 },
];
const MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5-20251001', 'claude-opus-4-5', 'not-a-priced-model'];

// ---- The ground truth: its own arithmetic, not billing's ---------------------------------------------

/** "3.75" USD → 3750000 micro-USD, by string manipulation. */
function micros(usd: string): bigint {
  const [whole, fraction = ''] = usd.split('.');
  return BigInt(whole!) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

/** a / b rounded half up (a, b > 0). */
function roundDiv(a: bigint, b: bigint): bigint {
  return (2n * a + b) / (2n * b);
}

const RATES = new Map(SEED_MODEL_RATES.map((r) => [r.model, r]));
const GPU = new Map(SEED_GPU_RATES.map((r) => [r.environment, micros(r.perGpuHour)]));

function periodStart(t: Date, anchorDay: number): string {
  let y = t.getUTCFullYear();
  let m = t.getUTCMonth();
  if (t.getUTCDate() < anchorDay) m -= 1;
  if (m < 0) {
    m += 12;
    y -= 1;
  }
  return `${y}-${String(m + 1).padStart(2, '0')}-${String(anchorDay).padStart(2, '0')}`;
}

interface Truth {
  events: bigint;
  unpriced: bigint;
  input: bigint;
  output: bigint;
  cacheRead: bigint;
  cacheWrite: bigint;
  gpuMs: bigint;
  cost: bigint;
}

const emptyTruth = (): Truth => ({
  events: 0n,
  unpriced: 0n,
  input: 0n,
  output: 0n,
  cacheRead: 0n,
  cacheWrite: 0n,
  gpuMs: 0n,
  cost: 0n,
});

// ---- Deterministic events ---------------------------------------------------------------------------

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Outgoing {
  subject: string;
  data: Uint8Array;
  msgId: string;
}

function generate(count: number, truth: Map<string, Truth>): { unique: Outgoing[]; billable: number } {
  const random = rng(20261204);
  const int = (n: number): number => Math.floor(random() * n);
  const from = Date.parse('2026-10-01T00:00:00Z');
  const span = Date.parse('2026-12-04T00:00:00Z') - from;
  const unique: Outgoing[] = [];
  let billable = 0;
  for (let i = 0; i < count; i++) {
    const tenant = TENANTS[int(TENANTS.length)]!;
    const timestamp = new Date(from + int(span));
    const jobId = `job-${int(count / 5)}`;
    const userId = `7a1e0000-0000-4000-8000-${String(int(40)).padStart(12, '0')}`;
    const key = `${tenant.id}|${periodStart(timestamp, tenant.anchorDay)}`;
    const t = truth.get(key) ?? emptyTruth();
    const kind = random();
    if (kind < 0.8) {
      const model = MODELS[int(MODELS.length)]!;
      const counts = {
        input: int(20_000),
        output: int(4_000),
        cacheRead: int(50_000),
        cacheWrite: int(5_000),
      };
      const eventId = `sess-r:${i}`;
      unique.push({
        subject: SUBJECTS.agentEvents,
        msgId: eventId,
        data: AgentEventMessage.encode({
          eventId,
          timestamp,
          plane: Plane.PLANE_CONTROL,
          agentRole: ['notebook', 'cluster', 'wandb', 'lakehouse'][int(4)]!,
          jobId,
          sessionId: `sess-r-${int(1000)}`,
          toolCalls: [
            { tool: 'Bash', input: { command: 'kubectl get rayjobs' }, output: 'ok', durationMs: 12 },
          ],
          tokensIn: counts.input,
          tokensOut: counts.output,
          cacheReadTokens: counts.cacheRead,
          cacheWriteTokens: counts.cacheWrite,
          exitCode: 0,
          tenantId: tenant.id,
          model,
          userId,
          labels: {},
        }),
      });
      const rate = RATES.get(model.replace(/-\d{8}$/, ''));
      t.events += 1n;
      t.input += BigInt(counts.input);
      t.output += BigInt(counts.output);
      t.cacheRead += BigInt(counts.cacheRead);
      t.cacheWrite += BigInt(counts.cacheWrite);
      if (rate)
        t.cost +=
          roundDiv(BigInt(counts.input) * micros(rate.input), 1_000_000n) +
          roundDiv(BigInt(counts.output) * micros(rate.output), 1_000_000n) +
          roundDiv(BigInt(counts.cacheRead) * micros(rate.cacheRead), 1_000_000n) +
          roundDiv(BigInt(counts.cacheWrite) * micros(rate.cacheWrite), 1_000_000n);
      else t.unpriced += 1n;
      billable++;
    } else {
      const terminal = kind < 0.97;
      const environment = int(2) === 0 ? 'torch.dev.gpu' : 'ros.dev.gpu';
      const gpuMs = int(50_000_000);
      const eventId = `raysubmit_r${i}:${terminal ? 'SUCCEEDED' : 'RUNNING'}:1`;
      unique.push({
        subject: SUBJECTS.executionEvents,
        msgId: eventId,
        data: ExecutionEventMessage.encode({
          eventId,
          timestamp,
          plane: Plane.PLANE_USER,
          jobId,
          environment:
            environment === 'torch.dev.gpu'
              ? Environment.ENVIRONMENT_TORCH_DEV_GPU
              : Environment.ENVIRONMENT_ROS_DEV_GPU,
          rayJobId: `raysubmit_r${i}`,
          status: terminal
            ? ExecutionStatus.EXECUTION_STATUS_SUCCEEDED
            : ExecutionStatus.EXECUTION_STATUS_RUNNING,
          // A decimal with at most three digits after the point: exactly gpuMs milliseconds.
          gpuSeconds: gpuMs / 1000,
          tenantId: tenant.id,
          userId,
          labels: {},
        }),
      });
      if (!terminal) continue;
      t.events += 1n;
      t.gpuMs += BigInt(gpuMs);
      t.cost += roundDiv(BigInt(gpuMs) * GPU.get(environment)!, 3_600_000n);
      billable++;
    }
    truth.set(key, t);
  }
  return { unique, billable };
}

// The unique events with 10% of them published a second time, under another Nats-Msg-Id (as the
// stream sees a copy published after its duplicate window), some right after and some much later.
function withDuplicates(unique: Outgoing[]): Outgoing[] {
  const random = rng(42);
  const out: Outgoing[] = [];
  const late = new Map<number, Outgoing[]>();
  for (const [i, e] of unique.entries()) {
    for (const copy of late.get(i) ?? []) out.push(copy);
    out.push(e);
    if (random() >= DUPLICATE_SHARE) continue;
    const copy = { ...e, msgId: `${e.msgId}#copy` };
    if (random() < 0.5) {
      out.push(copy);
      continue;
    }
    // Much later: somewhere in the rest of the stream (or at its end).
    const at = i + 1 + Math.floor(random() * (unique.length - i));
    late.set(at, [...(late.get(at) ?? []), copy]);
  }
  for (const copy of late.get(unique.length) ?? []) out.push(copy);
  return out;
}

describe('two billing replicas, one killed with SIGKILL (production bundle, real PostgreSQL and NATS)', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const namespace = uniqueNamespace();
  const replicas: ChildReplica[] = [];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    ensureBundle();
    db = await createTestDatabase('mp_billing_replicas');
    env = {
      ...process.env,
      DATABASE_URL: db.url,
      NATS_URL: natsUrl(),
      MP_NATS_NAMESPACE: namespace,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      // A killed replica's unacknowledged batches go to the other one after 3 s.
      MP_BILLING_ACK_WAIT_SECONDS: '3',
    };
    migrate(env);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    nc = await connect({ servers: natsUrl() });
    jsm = await jetstreamManager(nc);
  }, 60_000);

  afterAll(async () => {
    for (const r of replicas) await r.kill('SIGKILL');
    await client?.end();
    if (nc) {
      await deleteNamespace(jsm, namespace);
      await nc.close();
    }
    await db?.drop();
  });

  const settled = async (): Promise<boolean> => {
    for (const c of [CONSUMERS.billingAgentEvents, CONSUMERS.billingExecutionEvents]) {
      const info = await jsm.consumers.info(
        `${namespace.toUpperCase()}_${STREAMS[c.stream].name}`,
        c.durable,
      );
      if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
    }
    return true;
  };

  it(`should bill ${EVENTS} events with ${DUPLICATE_SHARE * 100}% duplicates exactly once when a replica is killed with SIGKILL and restarted mid-stream`, async () => {
    const truth = new Map<string, Truth>();
    const { unique, billable } = generate(EVENTS, truth);
    const outgoing = withDuplicates(unique);
    const ns = new Namespace(namespace);
    await provisionStreams(jsm, Object.values(STREAMS), ns);
    const publisher = new JetStreamPublisher(nc, { namespace: ns });
    for (const t of TENANTS)
      await publisher.publish(
        TenantEventMessage,
        SUBJECTS.tenantEvents,
        tenantEvent({
          tenantId: t.id,
          slug: `replica-${t.anchorDay}-${t.id.slice(-1)}`,
          revision: 1,
          quota: {
            gpuHoursPerPeriod: 0,
            tokenBudgetPerPeriod: 0,
            maxJobsInFlight: 1,
            defaultMaxJobDurationS: 60,
            periodAnchorDay: t.anchorDay,
          },
        }),
      );
    replicas.push(await startReplica(env), await startReplica(env));

    // Publish in windows; SIGKILL replica 0 at 30%, start a new one at 60%.
    const killAt = Math.floor(outgoing.length * 0.3);
    const restartAt = Math.floor(outgoing.length * 0.6);
    for (let sent = 0; sent < outgoing.length;) {
      const window = outgoing.slice(sent, sent + 500);
      await Promise.all(
        window.map(async (m) => publisher.publishRaw(m.subject, m.data, undefined, { msgId: m.msgId })),
      );
      const before = sent;
      sent += window.length;
      if (before < killAt && sent >= killAt) await replicas[0]!.kill('SIGKILL');
      if (before < restartAt && sent >= restartAt) replicas.push(await startReplica(env));
    }
    expect(replicas[0]!.child.signalCode).toBe('SIGKILL');

    // Everything delivered and settled, and every billable event in the ledger.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { rows: counted } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM billing.usage_lines`,
      );
      const n = counted[0]!.n;
      if (n > billable) throw new Error(`${n} usage lines for ${billable} billable events`);
      if (n === billable && (await settled())) break;
      if (Date.now() > deadline)
        throw new Error(
          `${n} of ${billable} lines after 120 s; replica output:\n${replicas.map((r) => r.output.slice(-20).join('\n')).join('\n---\n')}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }

    const { rows } = await client.query<Record<string, string>>(
      `SELECT tenant_id || '|' || period_start::text AS key, events::text, unpriced_events::text AS unpriced,
              input_tokens::text AS input, output_tokens::text AS output, cache_read_tokens::text AS cache_read,
              cache_write_tokens::text AS cache_write, gpu_ms::text,
              (input_cost + output_cost + cache_read_cost + cache_write_cost + gpu_cost)::text AS cost
         FROM billing.usage_totals WHERE dimension = 'tenant'`,
    );
    const actual = Object.fromEntries(
      rows.map((r) => [
        r.key!,
        [r.events, r.unpriced, r.input, r.output, r.cache_read, r.cache_write, r.gpu_ms, r.cost].join(' '),
      ]),
    );
    const expected = Object.fromEntries(
      [...truth].map(([key, t]) => [
        key,
        [t.events, t.unpriced, t.input, t.output, t.cacheRead, t.cacheWrite, t.gpuMs, t.cost].join(' '),
      ]),
    );
    expect(actual).toEqual(expected);

    // Every breakdown adds up to its period total, and the lines add up to the aggregates.
    const { rows: mismatches } = await client.query(
      `WITH sums AS (
         SELECT tenant_id, period_start, dimension, sum(events) AS events,
                sum(input_cost + output_cost + cache_read_cost + cache_write_cost + gpu_cost) AS cost
           FROM billing.usage_totals GROUP BY 1, 2, 3),
       lines AS (
         SELECT tenant_id, period_start, count(*) AS events, COALESCE(sum(cost), 0) AS cost
           FROM billing.usage_lines GROUP BY 1, 2)
       SELECT s.* FROM sums s JOIN lines l USING (tenant_id, period_start)
        WHERE s.events <> l.events OR s.cost <> l.cost`,
    );
    expect(mismatches).toEqual([]);

    // The copies did reach billing (the surviving replicas saw some of them) and were not counted.
    let duplicates = 0;
    for (const r of replicas.filter((x) => x.child.exitCode === null && x.child.signalCode === null)) {
      const text = await (await fetch(`http://127.0.0.1:${r.port}/metrics`)).text();
      for (const m of text.matchAll(/^billing_usage_duplicates_total\{[^}]*\} (\d+)/gm))
        duplicates += Number(m[1]);
    }
    expect(duplicates).toBeGreaterThan(0);
  }, 200_000);
});
