import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { STREAMS, SUBJECTS } from '@auraison/contracts';
import { deleteNamespace, natsUrl, uniqueNamespace } from '@auraison/testing';
import { AckPolicy, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { Namespace, provisionConsumer, provisionStreams, type ConsumerSpec } from '../src/index.js';

describe('provisioning', () => {
  const ns = new Namespace(uniqueNamespace());
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nc = await connect({ servers: natsUrl() });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await deleteNamespace(jsm, ns.prefix);
    await nc.close();
  });

  it('should create namespaced streams with the declared limits and change nothing when run again', async () => {
    const declarations = [STREAMS.agentEvents, STREAMS.dlq];

    const first = await provisionStreams(jsm, declarations, ns);
    const second = await provisionStreams(jsm, declarations, ns);

    expect(first.map((r) => r.action)).toEqual(['created', 'created']);
    expect(second.map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
    const info = await jsm.streams.info(`${ns.prefix.toUpperCase()}_MP_AGENT_EVENTS`);
    expect(info.config).toMatchObject({
      subjects: [`${ns.prefix}.${SUBJECTS.agentEvents}`],
      storage: 'file',
      retention: 'limits',
      max_age: nanos(STREAMS.agentEvents.maxAgeSeconds * 1000),
      duplicate_window: nanos(STREAMS.agentEvents.duplicateWindowSeconds * 1000),
      max_msg_size: STREAMS.agentEvents.maxMessageBytes,
      description: STREAMS.agentEvents.description,
    });
    const dlq = await jsm.streams.info(ns.stream(STREAMS.dlq.name));
    expect(dlq.config.subjects).toEqual([`${ns.prefix}.mp.dlq.>`]);
  });

  it('should update the stream when its declaration changes', async () => {
    const changed = { ...STREAMS.agentEvents, maxAgeSeconds: 3600, description: 'shorter retention' };

    const [result] = await provisionStreams(jsm, [changed], ns);

    expect(result).toMatchObject({ action: 'updated', changed: ['description', 'max_age'] });
    const info = await jsm.streams.info(ns.stream(STREAMS.agentEvents.name));
    expect(info.config.max_age).toBe(nanos(3600 * 1000));
    expect((await provisionStreams(jsm, [changed], ns))[0]!.action).toBe('unchanged');
  });

  it('should create a durable pull consumer once and update it when its settings change', async () => {
    const spec: ConsumerSpec = {
      stream: STREAMS.agentEvents,
      durable: 'billing',
      ackWaitMs: 30_000,
      maxAckPending: 1024,
    };

    expect((await provisionConsumer(jsm, spec, ns)).action).toBe('created');
    expect((await provisionConsumer(jsm, spec, ns)).action).toBe('unchanged');
    const updated = await provisionConsumer(jsm, { ...spec, ackWaitMs: 10_000 }, ns);

    expect(updated).toMatchObject({ action: 'updated', changed: ['ack_wait'] });
    const ci = await jsm.consumers.info(ns.stream(STREAMS.agentEvents.name), 'billing');
    expect(ci.config).toMatchObject({
      durable_name: 'billing',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: 'all',
      ack_wait: nanos(10_000),
      max_ack_pending: 1024,
      max_deliver: -1,
    });
  });

  it('should refuse a change that JetStream cannot apply in place when the filter subject differs', async () => {
    const spec: ConsumerSpec = {
      stream: STREAMS.agentEvents,
      durable: 'filtered',
      filterSubject: SUBJECTS.agentEvents,
      ackWaitMs: 30_000,
      maxAckPending: 100,
    };
    await provisionConsumer(jsm, spec, ns);
    const ci = await jsm.consumers.info(ns.stream(STREAMS.agentEvents.name), 'filtered');
    expect(ci.config.filter_subject).toBe(`${ns.prefix}.${SUBJECTS.agentEvents}`);

    await expect(provisionConsumer(jsm, { ...spec, filterSubject: undefined }, ns)).rejects.toThrow(
      /filter_subject/,
    );
  });
});
