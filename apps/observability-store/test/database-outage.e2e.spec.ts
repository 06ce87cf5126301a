// PostgreSQL unavailable for a while (the service reaches it through a proxy the test cuts): nothing is
// acked, readiness turns false with the reason, and once the database is back every event is stored
// exactly once and the chain verifies.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { STREAMS } from '@auraison/contracts';
import { agentEvent, createTestDatabase, executionEvent, type TestDatabase } from '@auraison/testing';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { TcpProxy } from './support/tcp-proxy.js';

describe('database outage (real PostgreSQL behind a proxy, real NATS)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let h: Harness;

  beforeAll(async () => {
    db = await createTestDatabase('mp_obs_outage');
    const direct = new URL(db.url);
    proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    h = await startHarness({ DATABASE_URL: proxied.toString() }, { adminUrl: db.url });
  });

  afterAll(async () => {
    proxy?.restore();
    await h?.close();
    await proxy?.close();
    await db?.drop();
  });

  const consumer = async () =>
    h.jsm.consumers.info(h.ns.stream(STREAMS.agentEvents.name), 'observability-store');

  it('should ack nothing, report not ready and store everything once when PostgreSQL comes back', async () => {
    const tenant = await h.addTenant();
    const before = agentEvent({ tenantId: tenant });
    await h.publishAgent(before);
    await h.waitStored([before.eventId]);
    await h.service.waitReady();
    const ackFloor = (await consumer()).ack_floor.stream_seq;

    proxy.cut();
    const during = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 3 ? executionEvent({ tenantId: tenant }) : agentEvent({ tenantId: tenant }),
    );
    for (const e of during)
      if ('toolCalls' in e) await h.publishAgent(e);
      else await h.publishExecution(e);

    const report = await eventually(async () => {
      const res = await h.service.http.get('/readyz');
      return res.status === 503
        ? (res.body as { checks: Record<string, { ok: boolean; detail?: string }> })
        : undefined;
    });
    expect(report.checks.database?.ok).toBe(false);
    // The consumer tried and failed: its batch went back unacked (nak with backoff), never to the DLQ.
    // ...and tried again after its backoff, still without acking anything: the outage outlasts retries.
    await eventually(
      async () => {
        const text = (await h.service.http.get('/metrics')).text;
        const m = /mp_messages_failed_total\{[^}]*stream="[A-Z0-9]+_MP_AGENT_EVENTS"[^}]*\} (\d+)/.exec(text);
        return Number(m?.[1] ?? 0) >= 60; // the 30 agent events failed twice
      },
      20_000,
      'a second failed attempt during the outage',
    );
    const down = await consumer();
    expect(down.ack_floor.stream_seq).toBe(ackFloor);
    expect(down.num_pending + down.num_ack_pending).toBeGreaterThanOrEqual(30);
    expect(await h.count(tenant)).toBe(1);
    expect(await h.deadLetters()).toEqual([]);

    proxy.restore();
    await h.waitStored(
      during.map((e) => e.eventId),
      45_000,
    );
    await eventually(async () => {
      const c = await consumer();
      return c.num_pending + c.num_ack_pending === 0;
    }, 20_000);
    await h.service.waitReady(20_000);
    expect(await h.count(tenant)).toBe(1 + during.length);
    const verify = await h.service.http.get('/api/v1/audit/verify').set(await h.auth(tenant, 'operator'));
    expect(verify.body).toMatchObject({ intact: true, rows_verified: 1 + during.length });
    expect(await h.deadLetters()).toEqual([]);
  }, 90_000);
});
