// EventPublisher against the machine's NATS JetStream, in a namespace of its own.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AgentEventMessage, ExecutionEventMessage, ExecutionStatus, STREAMS } from '@auraison/contracts';
import { agentEvent, deleteNamespace, executionEvent, natsUrl, uniqueNamespace } from '@auraison/testing';
import { EventPublisher, EventPublishError, EventValidationError } from '../src/index.js';

const ns = uniqueNamespace();
const AGENT_STREAM = `${ns.toUpperCase()}_${STREAMS.agentEvents.name}`;
const EXEC_STREAM = `${ns.toUpperCase()}_${STREAMS.executionEvents.name}`;
let nc: NatsConnection;
let jsm: JetStreamManager;
let publisher: EventPublisher;

beforeAll(async () => {
  nc = await connect({ servers: natsUrl() });
  jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: AGENT_STREAM, subjects: [`${ns}.mp.agent.events`], duplicate_window: 120e9 });
  await jsm.streams.add({
    name: EXEC_STREAM,
    subjects: [`${ns}.mp.execution.events`],
    duplicate_window: 120e9,
  });
  publisher = await EventPublisher.connect({ url: natsUrl(), namespace: ns });
});

afterAll(async () => {
  await publisher?.close();
  await deleteNamespace(jsm, ns);
  await nc?.close();
});

async function stored(stream: string, seq: number) {
  return (await jetstream(nc).jetstreamManager()).streams.getMessage(stream, { seq });
}

describe('EventPublisher', () => {
  it('should publish protobuf with Nats-Msg-Id = event id and a traceparent matching the event', async () => {
    const event = agentEvent({ eventId: 'claude:s1:r1', traceId: undefined, spanId: undefined });
    const receipt = await publisher.publishAgentEvent(event);
    expect(receipt).toMatchObject({
      eventId: 'claude:s1:r1',
      stream: AGENT_STREAM,
      duplicate: false,
      attempts: 1,
    });
    const msg = await stored(AGENT_STREAM, receipt.seq);
    expect(msg!.header.get('Nats-Msg-Id')).toBe('claude:s1:r1');
    expect(msg!.header.get('Content-Type')).toBe('application/protobuf');
    const decoded = AgentEventMessage.decode(msg!.data);
    expect(decoded.sessionId).toBe(event.sessionId);
    // The event carries the trace it was published in, so the store can join it.
    expect(msg!.header.get('traceparent')).toBe(`00-${decoded.traceId}-${decoded.spanId}-01`);
  });

  it('should store a re-published event once (duplicate)', async () => {
    const event = executionEvent({
      eventId: 'rayjob:u1:RUNNING:1',
      status: ExecutionStatus.EXECUTION_STATUS_RUNNING,
    });
    const first = await publisher.publishExecutionEvent(event);
    const again = await publisher.publishExecutionEvent(event);
    expect(again).toMatchObject({ duplicate: true, seq: first.seq });
    expect(ExecutionEventMessage.decode((await stored(EXEC_STREAM, first.seq))!.data).status).toBe(
      ExecutionStatus.EXECUTION_STATUS_RUNNING,
    );
  });

  it('should give an event without an id a fresh one, and keep the caller trace', async () => {
    const trace = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    const receipt = await publisher.publishAgentEvent(
      agentEvent({ eventId: '', traceId: undefined, spanId: undefined }),
      {
        trace,
      },
    );
    expect(receipt.eventId).toMatch(/^[0-9a-f-]{36}$/);
    const decoded = AgentEventMessage.decode((await stored(AGENT_STREAM, receipt.seq))!.data);
    expect(decoded.traceId).toBe(trace.traceId);
    expect(decoded.spanId).not.toBe(trace.spanId);
  });

  it('should refuse an invalid event before publishing, naming the field', async () => {
    const err = await publisher.publishAgentEvent(agentEvent({ tenantId: 'acme' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EventValidationError);
    expect((err as Error).message).toMatch(/invalid AgentEvent: .*tenant_id/);
  });

  it('should retry until its deadline when no stream takes the subject, then say so', async () => {
    const lonely = new EventPublisher(nc, {
      namespace: `${ns}x`,
      deadlineMs: 1500,
      attemptTimeoutMs: 300,
      retryBaseMs: 50,
    });
    const started = Date.now();
    const err = await lonely.publishAgentEvent(agentEvent()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EventPublishError);
    expect((err as EventPublishError).attempts).toBeGreaterThan(1);
    expect((err as Error).message).toMatch(/has a plane service created the stream/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
