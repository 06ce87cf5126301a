// Shared fixtures of the messaging integration tests: a namespace and a database of their own per
// test file, an idempotent Postgres sink like the services' (one transaction per batch, ON CONFLICT
// DO NOTHING on event_id), and polling helpers with deadlines instead of sleeps.
import { STREAMS, type StreamDeclaration } from '@auraison/contracts';
import {
  createTestDatabase,
  deleteNamespace,
  natsUrl,
  uniqueNamespace,
  type TestDatabase,
} from '@auraison/testing';
import { jetstreamManager, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import type { Registry } from 'prom-client';
import { Namespace, provisionStreams, type ConsumedMessage } from '../src/index.js';

export interface Harness {
  nc: NatsConnection;
  jsm: JetStreamManager;
  db: TestDatabase;
  pool: pg.Pool;
  /** A namespace of its own with the given streams provisioned (one per test keeps durables apart). */
  newNamespace(streams?: StreamDeclaration[]): Promise<Namespace>;
  /** Empties the sink table. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function openHarness(): Promise<Harness> {
  const nc = await connect({ servers: natsUrl(), name: 'messaging-test' });
  const jsm = await jetstreamManager(nc);
  const db = await createTestDatabase('mp_msg_test');
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  // Dropping the database at the end terminates idle connections: expected, not a test failure.
  pool.on('error', () => {});
  await pool.query(
    `CREATE TABLE processed (event_id text PRIMARY KEY, stream_seq bigint NOT NULL, delivery int NOT NULL,
       tenant_id uuid NOT NULL, trace_id text)`,
  );
  const namespaces: Namespace[] = [];
  return {
    nc,
    jsm,
    db,
    pool,
    newNamespace: async (streams = [STREAMS.agentEvents, STREAMS.dlq]) => {
      const ns = new Namespace(uniqueNamespace());
      namespaces.push(ns);
      await provisionStreams(jsm, streams, ns);
      return ns;
    },
    reset: async () => {
      await pool.query('TRUNCATE processed');
    },
    close: async () => {
      await pool.end();
      await db.drop();
      for (const ns of namespaces) await deleteNamespace(jsm, ns.prefix);
      await nc.close();
    },
  };
}

/** Writes a batch in one transaction, idempotently on event_id: the shape every service uses. */
export async function insertBatch(
  pool: pg.Pool,
  batch: ConsumedMessage<{ tenantId: string }>[],
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO processed (event_id, stream_seq, delivery, tenant_id, trace_id)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::uuid[], $5::text[])
       ON CONFLICT (event_id) DO NOTHING`,
      [
        batch.map((m) => m.eventId),
        batch.map((m) => m.streamSequence),
        batch.map((m) => m.deliveryCount),
        batch.map((m) => m.message.tenantId),
        batch.map((m) => m.trace?.traceId ?? null),
      ],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

export async function countRows(pool: pg.Pool, eventIds?: string[]): Promise<number> {
  const r = eventIds
    ? await pool.query<{ n: string }>('SELECT count(*) AS n FROM processed WHERE event_id = ANY($1)', [
        eventIds,
      ])
    : await pool.query<{ n: string }>('SELECT count(*) AS n FROM processed');
  return Number(r.rows[0]!.n);
}

/** Polls `probe` until it returns true; fails with `what` after the deadline. */
export async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every message stored in the namespace's DLQ stream. */
export async function dlqMessages(h: Harness, ns: Namespace): Promise<StoredMsg[]> {
  const stream = ns.stream(STREAMS.dlq.name);
  const info = await h.jsm.streams.info(stream);
  const out: StoredMsg[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await h.jsm.streams.getMessage(stream, { seq });
    if (m) out.push(m);
  }
  return out;
}

/** num_pending + num_ack_pending of a durable: 0 when everything was delivered and settled. */
export async function unsettled(
  h: Harness,
  ns: Namespace,
  durable: string,
  stream = STREAMS.agentEvents.name,
): Promise<number> {
  const ci = await h.jsm.consumers.info(ns.stream(stream), durable);
  return ci.num_pending + ci.num_ack_pending;
}

/** Current value of a counter/gauge series in the registry (0 when absent). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const data = await metric.get();
  const match = data.values.find((v) =>
    Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val),
  );
  return match?.value ?? 0;
}
