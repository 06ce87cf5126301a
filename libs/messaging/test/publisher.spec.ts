import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgentEventMessage, CONTENT_TYPE_PROTOBUF, STREAMS, SUBJECTS } from '@auraison/contracts';
import { childContext, formatTraceparent } from '@auraison/observability';
import { agentEvent } from '@auraison/testing';
import { Registry } from 'prom-client';
import { JetStreamPublisher, PublishError, type Namespace } from '../src/index.js';
import { metricValue, openHarness, type Harness } from './harness.js';

describe('JetStreamPublisher', () => {
  const registry = new Registry();
  let h: Harness;
  let ns: Namespace;
  let publisher: JetStreamPublisher;

  beforeAll(async () => {
    h = await openHarness();
    ns = await h.newNamespace();
    publisher = new JetStreamPublisher(h.nc, { namespace: ns, registry });
  });

  afterAll(async () => {
    await h.close();
  });

  it('should store one message and report the duplicate when the same event id is published twice', async () => {
    const event = agentEvent();
    const first = await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, event);
    const second = await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, {
      ...event,
      tokensIn: 1,
    });

    expect(first).toMatchObject({
      stream: ns.stream(STREAMS.agentEvents.name),
      duplicate: false,
      attempts: 1,
    });
    expect(second).toMatchObject({ seq: first.seq, duplicate: true });
    const info = await h.jsm.streams.info(ns.stream(STREAMS.agentEvents.name));
    expect(info.state.messages).toBe(1);
    expect(
      await metricValue(registry, 'mp_messages_published_total', {
        subject: SUBJECTS.agentEvents,
        result: 'stored',
      }),
    ).toBe(1);
    expect(
      await metricValue(registry, 'mp_messages_published_total', {
        subject: SUBJECTS.agentEvents,
        result: 'duplicate',
      }),
    ).toBe(1);
  });

  it('should set the message id, protobuf content type and the caller trace context when publishing', async () => {
    const event = agentEvent();
    const trace = childContext();
    const ack = await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, event, { trace });

    const stored = await h.jsm.streams.getMessage(ack.stream, { seq: ack.seq });
    expect(stored!.subject).toBe(`${ns.prefix}.${SUBJECTS.agentEvents}`);
    expect(stored!.header.get('Nats-Msg-Id')).toBe(event.eventId);
    expect(stored!.header.get('Content-Type')).toBe(CONTENT_TYPE_PROTOBUF);
    expect(stored!.header.get('traceparent')).toBe(formatTraceparent(trace));
    expect(AgentEventMessage.decode(stored!.data)).toEqual(
      AgentEventMessage.decode(AgentEventMessage.encode(event)),
    );
  });

  it('should start a new trace when the caller passes none', async () => {
    const ack = await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, agentEvent());
    const stored = await h.jsm.streams.getMessage(ack.stream, { seq: ack.seq });
    expect(stored!.header.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('should deduplicate raw publishes by the given message id', async () => {
    const a = await publisher.publishRaw(
      SUBJECTS.agentEvents,
      new Uint8Array([1, 2, 3]),
      { 'X-Test': 'a' },
      { msgId: 'raw-1' },
    );
    const b = await publisher.publishRaw(SUBJECTS.agentEvents, new Uint8Array([1, 2, 3]), {
      'Nats-Msg-Id': 'raw-1',
    });
    expect(a.duplicate).toBe(false);
    expect(b).toMatchObject({ seq: a.seq, duplicate: true });
  });

  it('should retry and then fail with PublishError when no stream binds the subject', async () => {
    const err = await publisher.publishRaw('mp.nowhere', new Uint8Array([1]), {}, { deadlineMs: 1200 }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(PublishError);
    expect((err as PublishError).attempts).toBeGreaterThan(1);
    expect(
      await metricValue(registry, 'mp_publish_retries_total', { subject: 'mp.nowhere' }),
    ).toBeGreaterThan(0);
    expect(await metricValue(registry, 'mp_publish_failures_total', { subject: 'mp.nowhere' })).toBe(1);
  });
});
