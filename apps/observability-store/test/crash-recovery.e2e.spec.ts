// The production bundle is SIGKILLed in the middle of ingesting 100,000 events, then started again:
// exactly 100,000 are stored (nothing lost, nothing twice) and the chain verifies. Runs the real
// process (node dist/main.js), since only a real process can die without running its shutdown.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgentEventMessage, STREAMS, SUBJECTS, TenantEventMessage } from '@auraison/contracts';
import { Namespace } from '@auraison/messaging';
import {
  agentEvent,
  createTestDatabase,
  deleteNamespace,
  natsUrl,
  startTestIssuer,
  tenantEvent,
  uniqueNamespace,
  type TestDatabase,
  type TestIssuer,
} from '@auraison/testing';
import { jetstream, jetstreamManager, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { buildBundle, migrate, startChild, type ChildService } from './support/child-service.js';
import { eventually } from './support/harness.js';

const EVENTS = 100_000;
const WINDOW = 1000;

describe('SIGKILL during ingest (production bundle, real PostgreSQL and NATS)', () => {
  const namespace = uniqueNamespace();
  const ns = new Namespace(namespace);
  let db: TestDatabase;
  let issuer: TestIssuer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let admin: pg.Pool;
  let env: NodeJS.ProcessEnv;
  let running: ChildService | undefined;

  beforeAll(async () => {
    buildBundle();
    db = await createTestDatabase('mp_obs_crash');
    issuer = await startTestIssuer();
    nc = await connect({ servers: natsUrl(), name: 'observability-crash-test' });
    jsm = await jetstreamManager(nc);
    admin = new pg.Pool({ connectionString: db.url, max: 2 });
    env = {
      ...process.env,
      ...issuer.env,
      DATABASE_URL: db.url,
      NATS_URL: natsUrl(),
      MP_NATS_NAMESPACE: namespace,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      MP_AUDIT_CHECKPOINT_SECONDS: '0',
      // A killed replica's unacked events come back after this (30 s in production).
      MP_INGEST_ACK_WAIT_SECONDS: '3',
    };
    migrate(env);
  }, 300_000);

  afterAll(async () => {
    await running?.kill();
    await admin?.end();
    if (jsm) await deleteNamespace(jsm, namespace);
    await nc?.close();
    await issuer?.close();
    await db?.drop();
  });

  const stored = async (): Promise<number> =>
    Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM observability.events`)).rows[0]!.n);

  it('should store exactly 100,000 events and keep the chain intact when killed mid-ingest and restarted', async () => {
    running = await startChild(env);
    const tenant = randomUUID();
    const js = jetstream(nc);
    await js.publish(
      ns.subject(SUBJECTS.tenantEvents),
      TenantEventMessage.encode(tenantEvent({ tenantId: tenant, revision: 1 })),
    );
    await eventually(
      async () =>
        (await admin.query(`SELECT 1 FROM observability.tenants WHERE tenant_id = $1`, [tenant])).rowCount ===
        1,
    );

    // Publish the whole load while the service ingests it (pipelined, each with Nats-Msg-Id).
    const template = agentEvent({ tenantId: tenant });
    const h = headers();
    h.set('Content-Type', 'application/protobuf');
    const publishing = (async () => {
      for (let sent = 0; sent < EVENTS; sent += WINDOW) {
        const acks: Array<Promise<PubAck>> = [];
        for (let i = sent; i < sent + WINDOW; i++) {
          const eventId = `crash-${i}`;
          const bytes = AgentEventMessage.encode({
            ...template,
            eventId,
            sessionId: `sess-${i % 977}`,
            jobId: `job-${i % 331}`,
          });
          acks.push(js.publish(ns.subject(SUBJECTS.agentEvents), bytes, { msgID: eventId, headers: h }));
        }
        await Promise.all(acks);
      }
    })();

    // Kill it somewhere in the middle of the work.
    const child = running;
    const atKill = await eventually(async () => {
      const n = await stored();
      return n >= EVENTS * 0.25 ? n : undefined;
    }, 60_000).catch(async (e: unknown) => {
      const c = await jsm.consumers.info(ns.stream(STREAMS.agentEvents.name), 'observability-store');
      const si = await jsm.streams.info(ns.stream(STREAMS.agentEvents.name));
      throw new Error(
        `${(e as Error).message}: ${await stored()} stored, stream ${si.state.messages}, consumer ${JSON.stringify(c.delivered)} pending ${c.num_pending} ack ${c.num_ack_pending}; service output:\n${child.output.slice(-40).join('\n')}`,
      );
    });
    await running.kill();
    expect(atKill).toBeLessThan(EVENTS);
    await publishing;

    running = await startChild(env);
    await eventually(async () => (await stored()) >= EVENTS, 90_000, 'all events stored after the restart');
    await eventually(async () => {
      const c = await jsm.consumers.info(ns.stream(STREAMS.agentEvents.name), 'observability-store');
      return c.num_pending + c.num_ack_pending === 0;
    }, 30_000);
    const { rows } = await admin.query<{ n: string; ids: string; max_seq: string }>(
      `SELECT count(*) AS n, count(DISTINCT event_id) AS ids, max(seq) AS max_seq FROM observability.events`,
    );
    expect(rows[0]).toEqual({ n: String(EVENTS), ids: String(EVENTS), max_seq: String(EVENTS) });
    const token = await issuer.token({ tenantId: tenant, roles: ['operator'] });
    const verify = await fetch(`${running.url}/api/v1/audit/verify`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(verify.status).toBe(200);
    expect(await verify.json()).toMatchObject({
      intact: true,
      rows_verified: EVENTS,
      first_broken_link: null,
    });
    expect(await running.stop()).toBe(0);
    running = undefined;
  }, 180_000);
});
