import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AgentEventMessage, encodeMessage, STREAMS, SUBJECTS, type AgentEvent } from '@auraison/contracts';
import { childContext } from '@auraison/observability';
import { agentEvent, natsUrl } from '@auraison/testing';
import { connect } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import {
  BatchConsumer,
  JetStreamPublisher,
  type BatchConsumerOptions,
  type BatchHandler,
  type ConsumedMessage,
  type Namespace,
} from '../src/index.js';
import {
  countRows,
  insertBatch,
  metricValue,
  openHarness,
  unsettled,
  until,
  type Harness,
} from './harness.js';

describe('BatchConsumer', () => {
  let h: Harness;
  let ns: Namespace;
  let publisher: JetStreamPublisher;
  const running: Array<BatchConsumer<AgentEvent>> = [];

  beforeAll(async () => {
    h = await openHarness();
  });

  beforeEach(async () => {
    await h.reset();
    ns = await h.newNamespace();
    publisher = new JetStreamPublisher(h.nc, { namespace: ns });
  });

  afterAll(async () => {
    await Promise.all(running.map(async (c) => c.stop()));
    await h.close();
  });

  function consumer(
    handler: BatchHandler<AgentEvent>,
    options: Partial<BatchConsumerOptions<AgentEvent>> = {},
    nc = h.nc,
  ): BatchConsumer<AgentEvent> {
    const c = new BatchConsumer<AgentEvent>(
      nc,
      {
        stream: STREAMS.agentEvents,
        durable: 'billing',
        messageType: AgentEventMessage,
        namespace: ns,
        backoffMs: [100, 200],
        ...options,
      },
      handler,
    );
    running.push(c);
    return c;
  }

  async function publishMany(n: number): Promise<AgentEvent[]> {
    const events = Array.from({ length: n }, () => agentEvent());
    await Promise.all(events.map(async (e) => publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, e)));
    return events;
  }

  it('should hand messages to the handler in batches and ack them after the commit', async () => {
    const registry = new Registry();
    const events = await publishMany(300);
    const sizes: number[] = [];
    const c = consumer(
      async (batch) => {
        sizes.push(batch.length);
        await insertBatch(h.pool, batch);
      },
      { batchSize: 100, registry, lagPollIntervalMs: 100 },
    );

    await c.start();
    await until(
      '300 rows and nothing unsettled',
      async () => (await countRows(h.pool)) === 300 && (await unsettled(h, ns, 'billing')) === 0,
    );

    expect(
      await countRows(
        h.pool,
        events.map((e) => e.eventId),
      ),
    ).toBe(300);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(sizes.length).toBeLessThan(300); // batched, not one call per message
    const labels = { stream: ns.stream(STREAMS.agentEvents.name), consumer: 'billing' };
    expect(await metricValue(registry, 'mp_messages_processed_total', labels)).toBe(300);
    const batchSize = (await registry.getSingleMetric('mp_batch_size')!.get()).values as Array<{
      metricName?: string;
      value: number;
    }>;
    const series = (suffix: string) =>
      batchSize.find((v) => v.metricName === `mp_batch_size_${suffix}`)?.value;
    expect(series('sum')).toBe(300);
    expect(series('count')).toBe(sizes.length);
    await until('the lag gauges to reach 0', async () => {
      const lag = await metricValue(registry, 'mp_consumer_lag', labels);
      const pending = await metricValue(registry, 'mp_consumer_ack_pending', labels);
      return lag === 0 && pending === 0;
    });
    expect(c.readiness()).toMatchObject({ ok: true });
    await c.stop();
    expect(c.readiness()).toMatchObject({ ok: false, detail: expect.stringContaining('stopped') });
  });

  it('should consume a snake_case JSON event with Content-Type application/json like a protobuf one', async () => {
    const seen: Array<ConsumedMessage<AgentEvent>> = [];
    const c = consumer(async (batch) => {
      seen.push(...batch);
      await insertBatch(h.pool, batch);
    });
    const asJson = agentEvent({
      tokensIn: 4242,
      toolCalls: [{ tool: 'Read', input: { file_path: '/x' }, output: 'ok', durationMs: 3 }],
    });
    const asProto = agentEvent();
    const trace = childContext();
    const json = encodeMessage(AgentEventMessage, asJson, 'json');
    expect(new TextDecoder().decode(json.data)).toContain('"tokens_in":"4242"'); // int64 as a string, per proto3 JSON

    await publisher.publishRaw(
      SUBJECTS.agentEvents,
      json.data,
      { 'Content-Type': json.contentType, traceparent: `00-${trace.traceId}-${trace.spanId}-01` },
      { msgId: asJson.eventId },
    );
    await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, asProto);
    await c.start();
    await until('both events stored', async () => (await countRows(h.pool)) === 2);

    const fromJson = seen.find((m) => m.eventId === asJson.eventId)!;
    expect(fromJson.message).toMatchObject({
      tokensIn: 4242,
      agentRole: asJson.agentRole,
      tenantId: asJson.tenantId,
    });
    expect(fromJson.message.toolCalls[0]).toMatchObject({ tool: 'Read', input: { file_path: '/x' } });
    expect(fromJson.subject).toBe(SUBJECTS.agentEvents);
    expect(fromJson.trace?.traceId).toBe(trace.traceId);
    expect(fromJson.headers['Content-Type']).toBe('application/json');
    expect(seen.find((m) => m.eventId === asProto.eventId)?.message.tokensIn).toBe(asProto.tokensIn);
  });

  it('should redeliver a batch whose acks were lost in a crash and still count every event once', async () => {
    const events = await publishMany(40);
    const crashed = await connect({ servers: natsUrl(), name: 'crashing-consumer' });
    let crashedBatch: string[] = [];
    const first = consumer(
      async (batch) => insertBatch(h.pool, batch),
      {
        ackWaitMs: 1000,
        batchSize: 10,
        hooks: {
          // Committed, then the process "dies" before acking: the connection goes away with the acks.
          afterHandler: async (batch) => {
            crashedBatch = batch.map((m) => m.eventId);
            await crashed.close();
            throw new Error('simulated crash after commit, before ack');
          },
        },
      },
      crashed,
    );
    await first.start();
    await until('the crash', () => crashedBatch.length > 0);
    await first.stop();
    expect(await countRows(h.pool)).toBe(crashedBatch.length);

    const redelivered: number[] = [];
    const second = consumer(
      async (batch) => {
        redelivered.push(
          ...batch.filter((m) => crashedBatch.includes(m.eventId)).map((m) => m.deliveryCount),
        );
        await insertBatch(h.pool, batch);
      },
      { ackWaitMs: 1000, batchSize: 10 },
    );
    await second.start();
    await until(
      'every event stored and settled',
      async () => (await countRows(h.pool)) === 40 && (await unsettled(h, ns, 'billing')) === 0,
    );

    expect(
      await countRows(
        h.pool,
        events.map((e) => e.eventId),
      ),
    ).toBe(40);
    expect(redelivered).toHaveLength(crashedBatch.length); // the committed batch came back...
    expect(Math.min(...redelivered)).toBeGreaterThanOrEqual(2); // ...as a redelivery, absorbed by ON CONFLICT
  });

  it('should finish and ack the batch in hand and give the rest back when stopped', async () => {
    const events = await publishMany(30);
    const handled: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    let firstBatch = 0;
    const first = consumer(
      async (batch) => {
        calls++;
        if (calls === 1) {
          firstBatch = batch.length;
          await gate; // hold the first batch while stop() is called
        }
        handled.push(...batch.map((m) => m.eventId));
        await insertBatch(h.pool, batch);
      },
      { batchSize: 5 },
    );
    await first.start();
    await until('the first batch in the handler', () => calls === 1);

    const stopping = first.stop();
    release();
    await stopping;
    expect(handled).toHaveLength(firstBatch); // the batch in hand was finished, nothing after it
    expect(await countRows(h.pool)).toBe(firstBatch);

    const second = consumer(async (batch) => {
      handled.push(...batch.map((m) => m.eventId));
      await insertBatch(h.pool, batch);
    });
    await second.start();
    await until(
      'all 30 stored and settled',
      async () => (await countRows(h.pool)) === 30 && (await unsettled(h, ns, 'billing')) === 0,
    );

    expect(new Set(handled).size).toBe(30);
    expect(handled).toHaveLength(30); // nothing handled twice because of the shutdown
    expect(
      await countRows(
        h.pool,
        events.map((e) => e.eventId),
      ),
    ).toBe(30);
  });
});
