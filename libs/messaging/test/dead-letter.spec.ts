import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AgentEventMessage, STREAMS, SUBJECTS, type AgentEvent } from '@auraison/contracts';
import { agentEvent } from '@auraison/testing';
import { Registry } from 'prom-client';
import {
  BatchConsumer,
  JetStreamPublisher,
  provisionStreams,
  type BatchConsumerOptions,
  type BatchHandler,
  type Namespace,
} from '../src/index.js';
import {
  countRows,
  dlqMessages,
  insertBatch,
  metricValue,
  openHarness,
  unsettled,
  until,
  type Harness,
} from './harness.js';

describe('BatchConsumer dead letters and failures', () => {
  let h: Harness;
  let ns: Namespace;
  let publisher: JetStreamPublisher;
  let registry: Registry;
  const running: Array<BatchConsumer<AgentEvent>> = [];

  beforeAll(async () => {
    h = await openHarness();
  });

  beforeEach(async () => {
    await h.reset();
    ns = await h.newNamespace();
    publisher = new JetStreamPublisher(h.nc, { namespace: ns });
    registry = new Registry();
  });

  afterAll(async () => {
    await Promise.all(running.map(async (c) => c.stop()));
    await h.close();
  });

  function consumer(
    handler: BatchHandler<AgentEvent>,
    options: Partial<BatchConsumerOptions<AgentEvent>> = {},
  ): BatchConsumer<AgentEvent> {
    const c = new BatchConsumer<AgentEvent>(
      h.nc,
      {
        stream: STREAMS.agentEvents,
        durable: 'billing',
        messageType: AgentEventMessage,
        namespace: ns,
        registry,
        backoffMs: [50, 100],
        ...options,
      },
      handler,
    );
    running.push(c);
    return c;
  }

  const labels = (): { stream: string; consumer: string } => ({
    stream: ns.stream(STREAMS.agentEvents.name),
    consumer: 'billing',
  });

  it('should dead-letter undecodable, invalid and oversize messages with the reason and original bytes and keep going', async () => {
    const valid = [agentEvent(), agentEvent()];
    const truncated = AgentEventMessage.encode(agentEvent()).slice(0, 30);
    const garbage = new TextEncoder().encode('definitely not a protobuf');
    const wrongJson = new TextEncoder().encode('{"event_id":"x","tokens_in":"lots"}');
    const oversize = AgentEventMessage.encode(
      agentEvent({ toolCalls: [{ tool: 'Read', input: {}, output: 'x'.repeat(3000), durationMs: 1 }] }),
    );
    const poisoned: Array<{
      data: Uint8Array;
      headers: Record<string, string>;
      kind: string;
      reason: RegExp;
    }> = [
      { data: garbage, headers: { 'X-Origin': 'test' }, kind: 'validation', reason: /event_id is required/ },
      { data: truncated, headers: {}, kind: 'protobuf', reason: /invalid protobuf: premature EOF/ },
      {
        data: wrongJson,
        headers: { 'Content-Type': 'application/json' },
        kind: 'json',
        reason: /tokens_in.*lots/,
      },
      {
        data: oversize,
        headers: {},
        kind: 'oversize',
        reason: new RegExp(`^message of ${oversize.length} bytes exceeds the 2000-byte limit$`),
      },
      {
        data: garbage,
        headers: { 'Content-Type': 'text/plain' },
        kind: 'content-type',
        reason: /unsupported Content-Type "text\/plain"/,
      },
    ];
    await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, valid[0]!);
    const seqs: number[] = [];
    for (const p of poisoned)
      seqs.push((await publisher.publishRaw(SUBJECTS.agentEvents, p.data, p.headers)).seq);
    await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, valid[1]!);
    const c = consumer(async (batch) => insertBatch(h.pool, batch), { maxMessageBytes: 2000 });

    await c.start();
    await until(
      'valid rows, dead letters and nothing unsettled',
      async () =>
        (await countRows(h.pool)) === 2 &&
        (await dlqMessages(h, ns)).length === poisoned.length &&
        (await unsettled(h, ns, 'billing')) === 0,
    );

    const stream = ns.stream(STREAMS.agentEvents.name);
    const letters = await dlqMessages(h, ns);
    poisoned.forEach((p, i) => {
      const letter = letters.find((l) => l.header.get('Mp-Dlq-Stream-Seq') === String(seqs[i]))!;
      expect(letter.subject).toBe(ns.dlqSubject(STREAMS.agentEvents.name));
      expect(Buffer.from(letter.data).equals(Buffer.from(p.data))).toBe(true);
      expect(letter.header.get('Mp-Dlq-Reason')).toMatch(p.reason);
      expect(letter.header.get('Mp-Dlq-Reason-Kind')).toBe(p.kind);
      expect(letter.header.get('Mp-Dlq-Stream')).toBe(stream);
      expect(letter.header.get('Mp-Dlq-Consumer')).toBe('billing');
      expect(letter.header.get('Mp-Dlq-Subject')).toBe(ns.subject(SUBJECTS.agentEvents));
      expect(letter.header.get('Mp-Dlq-Delivery-Count')).toBe('1');
      expect(Date.parse(letter.header.get('Mp-Dlq-At'))).not.toBeNaN();
      expect(letter.header.get('Nats-Msg-Id')).toBe(`${stream}:${seqs[i]}`);
      for (const [k, v] of Object.entries(p.headers)) expect(letter.header.get(k)).toBe(v);
    });
    expect(
      await countRows(
        h.pool,
        valid.map((e) => e.eventId),
      ),
    ).toBe(2);
    expect(await metricValue(registry, 'mp_messages_processed_total', labels())).toBe(2);
    for (const kind of ['validation', 'protobuf', 'json', 'oversize', 'content-type'])
      expect(await metricValue(registry, 'mp_messages_dlq_total', { ...labels(), reason_kind: kind })).toBe(
        1,
      );
  });

  it('should nak with backoff, report not ready, and succeed on a later delivery when the handler fails for a while', async () => {
    const events = Array.from({ length: 20 }, () => agentEvent());
    for (const e of events) await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, e);
    let calls = 0;
    let readinessWhileFailing: unknown;
    const c = consumer(
      async (batch) => {
        calls++;
        if (calls === 2) readinessWhileFailing = c.readiness();
        if (calls <= 2) throw new Error('relation "ledger" is locked');
        await insertBatch(h.pool, batch);
      },
      { maxDeliver: 5 },
    );

    await c.start();
    await until(
      '20 rows and nothing unsettled',
      async () => (await countRows(h.pool)) === 20 && (await unsettled(h, ns, 'billing')) === 0,
    );

    expect(readinessWhileFailing).toMatchObject({
      ok: false,
      detail: expect.stringMatching(
        /^consumer .*\/billing: handler failing since .*: relation "ledger" is locked$/,
      ),
    });
    expect(c.readiness()).toMatchObject({ ok: true });
    expect(
      await countRows(
        h.pool,
        events.map((e) => e.eventId),
      ),
    ).toBe(20);
    expect(await metricValue(registry, 'mp_messages_failed_total', labels())).toBeGreaterThan(0);
    expect(await metricValue(registry, 'mp_messages_processed_total', labels())).toBe(20);
    expect(await dlqMessages(h, ns)).toHaveLength(0);
  });

  it('should dead-letter a message that always fails after the delivery limit and process the rest of its batch', async () => {
    const poison = agentEvent({ model: 'unknown-model' });
    const good = Array.from({ length: 9 }, () => agentEvent());
    const all = [...good.slice(0, 5), poison, ...good.slice(5)];
    for (const e of all) await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, e);
    const c = consumer(
      async (batch) => {
        if (batch.some((m) => m.eventId === poison.eventId))
          throw new Error('no price for model "unknown-model"');
        await insertBatch(h.pool, batch);
      },
      { maxDeliver: 3 },
    );

    await c.start();
    await until(
      'good rows, one dead letter, nothing unsettled',
      async () =>
        (await countRows(h.pool)) === 9 &&
        (await dlqMessages(h, ns)).length === 1 &&
        (await unsettled(h, ns, 'billing')) === 0,
    );

    const [letter] = await dlqMessages(h, ns);
    expect(letter!.header.get('Mp-Dlq-Reason')).toBe(
      'handler failed 3 times: no price for model "unknown-model"',
    );
    expect(letter!.header.get('Mp-Dlq-Reason-Kind')).toBe('handler');
    expect(AgentEventMessage.decode(letter!.data).eventId).toBe(poison.eventId);
    expect(await countRows(h.pool, [poison.eventId])).toBe(0);
    expect(
      await metricValue(registry, 'mp_messages_dlq_total', { ...labels(), reason_kind: 'handler' }),
    ).toBe(1);
    expect(await metricValue(registry, 'mp_messages_processed_total', labels())).toBe(9);
  });

  it('should dead-letter the messages a handler rejects with its reason and ack the rest', async () => {
    const foreign = agentEvent({ tenantId: '99999999-9999-4999-8999-999999999999' });
    const good = Array.from({ length: 4 }, () => agentEvent());
    for (const e of [good[0]!, foreign, ...good.slice(1)])
      await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, e);
    const c = consumer(async (batch) => {
      const known = batch.filter((m) => m.message.tenantId !== foreign.tenantId);
      await insertBatch(h.pool, known);
      return {
        rejected: batch
          .filter((m) => m.message.tenantId === foreign.tenantId)
          .map((m) => ({ eventId: m.eventId, reason: `unknown tenant ${m.message.tenantId}` })),
      };
    });

    await c.start();
    await until(
      'four rows, one dead letter, nothing unsettled',
      async () =>
        (await countRows(h.pool)) === 4 &&
        (await dlqMessages(h, ns)).length === 1 &&
        (await unsettled(h, ns, 'billing')) === 0,
    );
    const [letter] = await dlqMessages(h, ns);
    expect(letter!.header.get('Mp-Dlq-Reason')).toBe(`unknown tenant ${foreign.tenantId}`);
    expect(letter!.header.get('Mp-Dlq-Reason-Kind')).toBe('rejected');
    expect(AgentEventMessage.decode(letter!.data).eventId).toBe(foreign.eventId);
    expect(await metricValue(registry, 'mp_messages_processed_total', labels())).toBe(4);
  });

  it('should never dead-letter messages when the handler fails with a transient database error', async () => {
    const events = Array.from({ length: 5 }, () => agentEvent());
    for (const e of events) await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, e);
    let calls = 0;
    const c = consumer(
      async (batch) => {
        calls++;
        if (calls <= 4)
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        await insertBatch(h.pool, batch);
      },
      { maxDeliver: 2 },
    );

    await c.start();
    await until(
      '5 rows and nothing unsettled',
      async () => (await countRows(h.pool)) === 5 && (await unsettled(h, ns, 'billing')) === 0,
    );

    expect(calls).toBeGreaterThan(4);
    expect(await dlqMessages(h, ns)).toHaveLength(0);
  });

  it('should keep a bad message and retry when the dead-letter stream is unavailable', async () => {
    ns = await h.newNamespace([STREAMS.agentEvents]); // no MP_DLQ yet
    publisher = new JetStreamPublisher(h.nc, { namespace: ns });
    await publisher.publishRaw(SUBJECTS.agentEvents, new Uint8Array([0xff, 0xff]), {});
    const valid = agentEvent();
    await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, valid);
    const c = consumer(async (batch) => insertBatch(h.pool, batch), { dlqDeadlineMs: 200 });
    await c.start();
    await until('the valid row', async () => (await countRows(h.pool)) === 1);
    // The bad one is kept (nacked and redelivered), not terminated.
    const durable = async () => h.jsm.consumers.info(ns.stream(STREAMS.agentEvents.name), 'billing');
    await until('the bad message redelivered', async () => (await durable()).num_redelivered >= 1);
    expect(await unsettled(h, ns, 'billing')).toBe(1);

    await provisionStreams(h.jsm, [STREAMS.dlq], ns);
    await until(
      'the dead letter and nothing unsettled',
      async () => (await dlqMessages(h, ns)).length === 1 && (await unsettled(h, ns, 'billing')) === 0,
    );
    const [letter] = await dlqMessages(h, ns);
    expect(letter!.header.get('Mp-Dlq-Reason-Kind')).toBe('protobuf');
    expect(Number(letter!.header.get('Mp-Dlq-Delivery-Count'))).toBeGreaterThan(1);
  });
});
