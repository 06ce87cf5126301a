// Usage ingest end to end (real PostgreSQL and NATS JetStream): events published the production way,
// consumed by billing's durable consumers, priced and written once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CONTENT_TYPE_HEADER,
  CONTENT_TYPE_JSON,
  CONSUMERS,
  ExecutionStatus,
  STREAMS,
  SUBJECTS,
  TenantEventMessage,
} from '@auraison/contracts';
import { MessagingLifecycle } from '@auraison/messaging';
import { TenantProjection } from '@auraison/tenancy';
import { agentEvent, executionEvent, tenantEvent } from '@auraison/testing';
import { nanos } from '@nats-io/transport-node';
import {
  addTenant,
  auth,
  bootBilling,
  deadLetters,
  eventually,
  publishAgent,
  publishExecution,
  waitForLines,
  type Billing,
} from './support/harness.js';

const SEPT_10 = new Date('2026-09-10T08:00:00Z');
const SEPT_20 = new Date('2026-09-20T08:00:00Z');

interface LineRow {
  event_id: string;
  input_cost: string;
  output_cost: string;
  gpu_cost: string;
  cost: string | null;
  rate_version: string | null;
  gpu_ms: string;
  period_start: string;
}

describe('usage ingest (real PostgreSQL and NATS)', () => {
  let b: Billing;
  let admin: { Authorization: string };

  const line = async (eventId: string): Promise<LineRow | undefined> =>
    (
      await b.db.query<LineRow[]>(
        `SELECT event_id, input_cost, output_cost, gpu_cost, cost, rate_version, gpu_ms,
                period_start::text AS period_start
           FROM billing.usage_lines WHERE event_id = $1`,
        [eventId],
      )
    )[0];

  const tenantTotal = async (tenantId: string): Promise<{ events: string; cost: string }> => {
    const rows = await b.db.query<Array<{ events: string; cost: string }>>(
      `SELECT sum(events)::text AS events,
              sum(input_cost + output_cost + cache_read_cost + cache_write_cost + gpu_cost)::text AS cost
         FROM billing.usage_totals WHERE tenant_id = $1 AND dimension = 'tenant'`,
      [tenantId],
    );
    return rows[0]!;
  };

  /** Waits until the durable has delivered and settled everything published so far. */
  const settled = async (consumer: { durable: string }, stream: string): Promise<void> => {
    await eventually(
      async () => {
        const info = await b.jsm.consumers.info(
          `${b.service.namespace.toUpperCase()}_${stream}`,
          consumer.durable,
        );
        return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
      },
      15_000,
      `${stream}/${consumer.durable} settled`,
    );
  };

  const setModelRate = async (model: string, input: string, effectiveFrom: string): Promise<number> => {
    const res = await b.service.http.put(`/api/v1/billing/prices/models/${model}`).set(admin).send({
      input,
      output: '15.00',
      cache_read: '0.30',
      cache_write: '3.75',
      effective_from: effectiveFrom,
      reason: 'test',
    });
    expect(res.status).toBe(200);
    return res.body.version as number;
  };

  beforeAll(async () => {
    b = await bootBilling({ MP_BILLING_PRICING_INTERVAL_SECONDS: '1' });
    admin = await auth(b, randomUUID(), 'platform_admin');
  });

  afterAll(async () => {
    await b?.close();
  });

  it('should bill token classes and terminal GPU time at their rates when events arrive, and skip other status changes', async () => {
    const tenantId = await addTenant(b);
    const agent = agentEvent({
      tenantId,
      timestamp: SEPT_10,
      model: 'claude-sonnet-4-5-20250929',
      tokensIn: 1200,
      tokensOut: 340,
      cacheReadTokens: 10_000,
      cacheWriteTokens: 2_000,
    });
    const done = executionEvent({ tenantId, timestamp: SEPT_10, gpuSeconds: 5400.0005, jobId: agent.jobId });
    const running = executionEvent({ tenantId, status: ExecutionStatus.EXECUTION_STATUS_RUNNING });
    await publishAgent(b, agent);
    await publishExecution(b, running);
    await publishExecution(b, done);
    await waitForLines(b, 2, 'tenant_id = $1', [tenantId]);
    await settled(CONSUMERS.billingExecutionEvents, STREAMS.executionEvents.name);

    // Seed rates: sonnet 3 / 15 / 0.30 / 3.75 USD per million; GPU placeholder 2.50 USD per GPU-hour.
    expect(await line(agent.eventId)).toMatchObject({
      input_cost: '3600',
      output_cost: '5100',
      cost: '19200',
    });
    // 5400.0005 s → 5400001 ms (half up) x 2.5 USD/h = 3750000.69 → 3750001 micro-USD.
    expect(await line(done.eventId)).toMatchObject({
      gpu_ms: '5400001',
      gpu_cost: '3750001',
      period_start: '2026-09-01',
    });
    expect(await line(running.eventId)).toBeUndefined();
    expect(await tenantTotal(tenantId)).toEqual({ events: '2', cost: String(19_200 + 3_750_001) });
  });

  it('should bill an event once when it is published again inside and beyond the dedup window', async () => {
    const tenantId = await addTenant(b);
    const e = agentEvent({ tenantId, timestamp: SEPT_10, tokensIn: 1000, tokensOut: 0 });
    expect((await publishAgent(b, e)).duplicate).toBe(false);
    // Inside the window JetStream itself drops the copy.
    expect((await publishAgent(b, e)).duplicate).toBe(true);
    await waitForLines(b, 1, 'tenant_id = $1', [tenantId]);

    // Beyond it: shrink the stream's window to 1 s, then publish the same event again until the stream
    // stores a second copy (no fixed sleep: each attempt inside the window is dropped).
    const stream = `${b.service.namespace.toUpperCase()}_${STREAMS.agentEvents.name}`;
    const { config } = await b.jsm.streams.info(stream);
    await b.jsm.streams.update(stream, { ...config, duplicate_window: nanos(1000) });
    try {
      await eventually(
        async () => ((await publishAgent(b, e)).duplicate ? undefined : true),
        10_000,
        'a stored copy',
      );
    } finally {
      await b.jsm.streams.update(stream, { ...config });
    }
    // And once more under another message id, as a producer retrying days later would.
    expect((await publishAgent(b, e, `${e.eventId}:retry`)).duplicate).toBe(false);
    await settled(CONSUMERS.billingAgentEvents, STREAMS.agentEvents.name);

    const [{ n }] = await b.db.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM billing.usage_lines WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(n).toBe(1);
    expect(await tenantTotal(tenantId)).toEqual({ events: '1', cost: '3000' });
    const metrics = await b.service.http.get('/metrics');
    expect(metrics.text).toMatch(/billing_usage_duplicates_total\{source="agent",service="billing"\} [1-9]/);
  });

  it('should dead-letter with a reason and keep the rest of the batch when values are impossible or the tenant is unknown', async () => {
    const tenantId = await addTenant(b);
    const good = [1, 2, 3].map((i) =>
      agentEvent({ tenantId, timestamp: SEPT_10, tokensIn: 1000 * i, tokensOut: 0 }),
    );
    const negative = agentEvent({ tenantId, timestamp: SEPT_10, tokensIn: -5 });
    const tooMany = agentEvent({ tenantId, timestamp: SEPT_10, tokensOut: 50_000_000_000 });
    const nan = executionEvent({ tenantId, timestamp: SEPT_10, gpuSeconds: Number.NaN });
    const huge = executionEvent({ tenantId, timestamp: SEPT_10, gpuSeconds: 1e20 });
    const stranger = agentEvent({ tenantId: randomUUID(), timestamp: SEPT_10 });
    const goodGpu = executionEvent({ tenantId, timestamp: SEPT_10, gpuSeconds: 3600 });
    // Published back to back so they share batches with the good ones.
    await Promise.all([
      publishAgent(b, good[0]!),
      publishAgent(b, negative),
      publishAgent(b, tooMany),
      publishAgent(b, good[1]!),
      publishAgent(b, stranger),
      publishAgent(b, good[2]!),
      publishExecution(b, nan),
      publishExecution(b, huge),
      publishExecution(b, goodGpu),
    ]);
    // A JSON payload (the Python control plane's format) with a negative count, too.
    const json = agentEvent({ tenantId, timestamp: SEPT_10 });
    const badJson = JSON.stringify({
      event_id: json.eventId,
      timestamp: SEPT_10.toISOString(),
      plane: 'PLANE_CONTROL',
      agent_role: 'notebook',
      tenant_id: tenantId,
      tokens_in: '-7',
    });
    await b.publisher.publishRaw(SUBJECTS.agentEvents, Buffer.from(badJson), {
      [CONTENT_TYPE_HEADER]: CONTENT_TYPE_JSON,
      'Nats-Msg-Id': json.eventId,
    });

    await waitForLines(b, 4, 'tenant_id = $1', [tenantId]);
    const dlq = await eventually(async () => {
      const letters = await deadLetters(b);
      return [negative, tooMany, nan, huge, stranger, json].every((e) => letters.has(e.eventId))
        ? letters
        : undefined;
    });
    expect(dlq.get(negative.eventId)).toMatch(/tokens_in must be a finite number >= 0/);
    expect(dlq.get(json.eventId)).toMatch(/tokens_in must be a finite number >= 0/);
    expect(dlq.get(tooMany.eventId)).toMatch(/tokens_out 50000000000 exceeds the per-event limit/);
    expect(dlq.get(nan.eventId)).toMatch(/gpu_seconds must be a finite number >= 0/);
    expect(dlq.get(huge.eventId)).toMatch(/gpu_seconds 100000000000000000000 exceeds the per-event limit/);
    expect(dlq.get(stranger.eventId)).toMatch(/tenant_id .* is not a tenant billing knows/);
    await settled(CONSUMERS.billingAgentEvents, STREAMS.agentEvents.name);
    await settled(CONSUMERS.billingExecutionEvents, STREAMS.executionEvents.name);
    const ids = (
      await b.db.query<Array<{ event_id: string }>>(
        `SELECT event_id FROM billing.usage_lines WHERE tenant_id = $1`,
        [tenantId],
      )
    ).map((r) => r.event_id);
    expect(ids.sort()).toEqual([...good.map((e) => e.eventId), goodGpu.eventId].sort());
    // 6000 tokens x 3 USD/M = 18000 micro-USD; 1 GPU-hour x 2.50 USD.
    expect(await tenantTotal(tenantId)).toEqual({ events: '4', cost: String(18_000 + 2_500_000) });
  });

  it('should price usage before and after a rate change at their own rates when the rate changes mid-period', async () => {
    const tenantId = await addTenant(b);
    const model = `test-model-${randomUUID().slice(0, 8)}`;
    const v1 = await setModelRate(model, '2.00', '2026-09-01T00:00:00Z');
    const v2 = await setModelRate(model, '4.00', '2026-09-15T12:00:00Z');
    const before = agentEvent({ tenantId, model, timestamp: SEPT_10, tokensIn: 1_000_000, tokensOut: 0 });
    const edge = agentEvent({
      tenantId,
      model,
      timestamp: new Date('2026-09-15T12:00:00Z'),
      tokensIn: 1_000_000,
      tokensOut: 0,
    });
    const after = agentEvent({ tenantId, model, timestamp: SEPT_20, tokensIn: 1_000_000, tokensOut: 0 });
    await Promise.all([publishAgent(b, before), publishAgent(b, edge), publishAgent(b, after)]);
    await waitForLines(b, 3, 'tenant_id = $1', [tenantId]);
    expect(await line(before.eventId)).toMatchObject({ rate_version: String(v1), cost: '2000000' });
    expect(await line(edge.eventId)).toMatchObject({ rate_version: String(v2), cost: '4000000' });
    expect(await line(after.eventId)).toMatchObject({ rate_version: String(v2), cost: '4000000' });
    expect((await tenantTotal(tenantId)).cost).toBe('10000000');
  });

  it('should keep usage unpriced and report it when its model is unknown, and price it when a rate appears', async () => {
    const tenantId = await addTenant(b);
    const model = `acme-llm-${randomUUID().slice(0, 8)}`;
    const e = agentEvent({ tenantId, model, timestamp: SEPT_20, tokensIn: 500_000, tokensOut: 100_000 });
    await publishAgent(b, e);
    await waitForLines(b, 1, 'tenant_id = $1', [tenantId]);
    expect(await line(e.eventId)).toMatchObject({ cost: null, rate_version: null });
    const viewer = await auth(b, tenantId, 'viewer');
    const report = await b.service.http.get('/api/v1/billing/unpriced').set(viewer);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      total_lines: 1,
      items: [{ tenant_id: tenantId, model, lines: 1, input_tokens: 500_000, output_tokens: 100_000 }],
    });
    const metrics = await b.service.http.get('/metrics');
    expect(metrics.text).toMatch(/billing_unpriced_usage_lines\{service="billing"\} [1-9]/);

    const version = await setModelRate(model, '1.00', '2026-01-01T00:00:00Z');
    // 0.5 M input x 1 USD + 0.1 M output x 15 USD = 2.00 USD.
    await waitForLines(b, 1, 'event_id = $1 AND cost IS NOT NULL', [e.eventId]);
    expect(await line(e.eventId)).toMatchObject({ cost: '2000000', rate_version: String(version) });
    const usage = await b.service.http.get('/api/v1/billing/usage?period=2026-09').set(viewer);
    expect(usage.body.total).toMatchObject({
      events: 1,
      unpriced_events: 0,
      token_cost: '2.000000',
      cost: '2.000000',
    });
    const after = await b.service.http.get('/api/v1/billing/unpriced').set(viewer);
    expect(after.body).toEqual({ items: [], total_lines: 0 });
  });

  it('should retry, not dead-letter, usage when its tenant’s TenantEvent is still pending', async () => {
    const lifecycle = b.service.app.get(MessagingLifecycle);
    const tenantConsumer = lifecycle.runningConsumers.find(
      (c) =>
        c.streamName.endsWith(STREAMS.tenantEvents.name) &&
        c.durable === CONSUMERS.billingTenantEvents.durable,
    );
    if (!tenantConsumer) throw new Error('tenant consumer not found');
    // Stop applying TenantEvents: the next one stays pending in the stream.
    await tenantConsumer.stop();
    const tenantId = randomUUID();
    const created = tenantEvent({ tenantId, slug: `late-${tenantId.slice(0, 8)}`, revision: 1 });
    await b.publisher.publish(TenantEventMessage, SUBJECTS.tenantEvents, created);
    const e = agentEvent({ tenantId, timestamp: SEPT_20 });
    await publishAgent(b, e);
    // The batch is retried (readiness reports why) instead of being dead-lettered.
    await eventually(async () => {
      const res = await b.service.http.get('/readyz');
      return JSON.stringify(res.body).includes('not in the tenant projection yet') ? true : undefined;
    });
    expect((await deadLetters(b)).has(e.eventId)).toBe(false);
    // The TenantEvent is applied (here by hand: its consumer is stopped): the retry bills the event.
    await b.service.app.get(TenantProjection).apply([created]);
    await waitForLines(b, 1, 'event_id = $1', [e.eventId], 20_000);
    expect((await deadLetters(b)).has(e.eventId)).toBe(false);
  });
});
