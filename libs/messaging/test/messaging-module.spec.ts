import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AgentEventMessage,
  CONSUMERS,
  STREAMS,
  SUBJECTS,
  type AgentEvent,
  type ExecutionEvent,
} from '@auraison/contracts';
import { HealthService, MetricsService, ObservabilityModule } from '@auraison/observability';
import { agentEvent, deleteNamespace, natsUrl, uniqueNamespace } from '@auraison/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type pg from 'pg';
import {
  ConsumeBatch,
  JetStreamPublisher,
  MessagingModule,
  NATS_CONNECTION,
  Namespace,
  type ConsumedMessage,
} from '../src/index.js';
import { countRows, insertBatch, metricValue, openHarness, until, type Harness } from './harness.js';

const PG_POOL = Symbol('PG_POOL');

/** Stands in for a service's config module: provides one value under a token. */
@Module({})
class ConfigModule {
  static with(value: unknown, token: symbol): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: token, useValue: value }], exports: [token] };
  }
}

/** A feature provider as a service writes it: no NATS in sight. */
@Injectable()
class BillingIngest {
  readonly batches: number[] = [];

  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  @ConsumeBatch(CONSUMERS.billingAgentEvents, { batchSize: 50, maxBatchWaitMs: 20 })
  async ingest(batch: ConsumedMessage<AgentEvent>[]): Promise<void> {
    this.batches.push(batch.length);
    await insertBatch(this.pool, batch);
  }
}

// The decorator checks the handler's message type against the consumer's declaration.
export class Miswired {
  // @ts-expect-error -- billingExecutionEvents delivers ExecutionEvent, not AgentEvent
  @ConsumeBatch(CONSUMERS.billingExecutionEvents)
  async ingest(_batch: ConsumedMessage<AgentEvent>[]): Promise<void> {}

  @ConsumeBatch(CONSUMERS.billingExecutionEvents)
  async ingestExecutions(_batch: ConsumedMessage<ExecutionEvent>[]): Promise<void> {}
}

describe('MessagingModule', () => {
  const namespace = uniqueNamespace();
  let h: Harness;
  let moduleRef: TestingModule;
  let closed = false;

  beforeAll(async () => {
    h = await openHarness();
    moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityModule.forRoot({ service: 'billing-test', processMetrics: false, logLevel: 'silent' }),
        MessagingModule.forRoot({
          url: natsUrl(),
          namespace,
          serviceName: 'billing-test',
          streams: ['agentEvents'],
        }),
      ],
      providers: [BillingIngest, { provide: PG_POOL, useValue: h.pool }],
    }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    if (!closed) await moduleRef.close();
    await deleteNamespace(h.jsm, namespace);
    await h.close();
  });

  it('should provision the declared streams and the DLQ in the namespace on start', async () => {
    const ns = moduleRef.get(Namespace);
    expect(ns.prefix).toBe(namespace);
    await expect(h.jsm.streams.info(ns.stream(STREAMS.agentEvents.name))).resolves.toBeDefined();
    await expect(h.jsm.streams.info(ns.stream(STREAMS.dlq.name))).resolves.toBeDefined();
    const ci = await h.jsm.consumers.info(
      ns.stream(STREAMS.agentEvents.name),
      CONSUMERS.billingAgentEvents.durable,
    );
    expect(ci.config.ack_policy).toBe('explicit');
  });

  it('should deliver published events to the decorated handler in batches and report the consumer ready', async () => {
    const publisher = moduleRef.get(JetStreamPublisher);
    const events = Array.from({ length: 120 }, () => agentEvent());
    await Promise.all(events.map(async (e) => publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, e)));

    await until('120 rows', async () => (await countRows(h.pool)) === 120);

    const ingest = moduleRef.get(BillingIngest);
    expect(Math.max(...ingest.batches)).toBeLessThanOrEqual(50);
    const stream = moduleRef.get(Namespace).stream(STREAMS.agentEvents.name);
    const report = await moduleRef.get(HealthService).readiness();
    expect(report.ready).toBe(true);
    expect(report.checks.nats).toMatchObject({ ok: true });
    expect(report.checks[`consumer:${stream}/billing`]).toMatchObject({ ok: true });
    const registry = moduleRef.get(MetricsService).registry;
    expect(await metricValue(registry, 'mp_messages_processed_total', { stream, consumer: 'billing' })).toBe(
      120,
    );
    expect(
      await metricValue(registry, 'mp_messages_published_total', {
        subject: SUBJECTS.agentEvents,
        result: 'stored',
      }),
    ).toBe(120);
  });

  it('should report not ready, stop the consumers and drain the connection on shutdown', async () => {
    const health = moduleRef.get(HealthService);
    const nc = moduleRef.get<NatsConnection>(NATS_CONNECTION);

    await moduleRef.close();
    closed = true;

    const report = await health.readiness();
    expect(report.ready).toBe(false);
    expect(report.checks.shutdown).toMatchObject({ ok: false });
    expect(Object.entries(report.checks).find(([k]) => k.startsWith('consumer:'))?.[1]).toMatchObject({
      ok: false,
    });
    expect(nc.isClosed()).toBe(true);
  });
});

describe('MessagingModule.forRootAsync', () => {
  it('should build its options from injected configuration', async () => {
    const CONFIG = Symbol('CONFIG');
    const namespace = uniqueNamespace();
    const moduleRef = await Test.createTestingModule({
      imports: [
        MessagingModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (config: { NATS_URL: string; MP_NATS_NAMESPACE: string }) => ({
            url: config.NATS_URL,
            namespace: config.MP_NATS_NAMESPACE,
            serviceName: 'async-test',
            streams: ['tenantEvents'],
          }),
          imports: [ConfigModule.with({ NATS_URL: natsUrl(), MP_NATS_NAMESPACE: namespace }, CONFIG)],
        }),
      ],
    }).compile();
    await moduleRef.init();
    const nc = moduleRef.get<NatsConnection>(NATS_CONNECTION);
    const jsm = await jetstreamManager(nc);
    try {
      expect(moduleRef.get(Namespace).prefix).toBe(namespace);
      await expect(
        jsm.streams.info(`${namespace.toUpperCase()}_${STREAMS.tenantEvents.name}`),
      ).resolves.toBeDefined();
    } finally {
      await deleteNamespace(jsm, namespace);
      await moduleRef.close();
    }
    expect(nc.isClosed()).toBe(true);
  });
});
