// Nest wiring of the messaging library: one NATS connection per service, the publisher, stream
// provisioning on start, and @ConsumeBatch handlers discovered and run as durable batch consumers.
import {
  Global,
  Inject,
  Injectable,
  Module,
  Optional,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import {
  MESSAGE_TYPES,
  STREAMS,
  type MessageType,
  type StreamDeclaration,
  type StreamKey,
} from '@auraison/contracts';
import { HealthService, LOGGER, MetricsService, type Logger } from '@auraison/observability';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { BatchConsumer, type BatchConsumerSettings } from './batch-consumer.js';
import { CONSUME_BATCH_METADATA, type ConsumeBatchMetadata } from './consume-batch.decorator.js';
import { errorMessage } from './errors.js';
import { JetStreamPublisher } from './jetstream-publisher.js';
import { Namespace } from './namespace.js';
import { connectNats, NatsConnectionMonitor } from './nats-connection.js';
import { provisionStreams } from './provisioning.js';
import { SILENT_LOGGER, type BatchHandler, type MessagingLogger } from './types.js';

/** Injection token of the service's NatsConnection. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
/** Injection token of the JetStreamManager. */
export const JETSTREAM_MANAGER = Symbol('JETSTREAM_MANAGER');
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingModuleOptions {
  /** NATS URL or comma-separated URLs (NATS_URL). */
  url: string;
  /** Subject/stream namespace (MP_NATS_NAMESPACE); empty in production. */
  namespace?: string;
  /** Client name on the server and in logs. */
  serviceName: string;
  /** Streams this service publishes to or reads, provisioned on start (MP_DLQ is always added). */
  streams?: ReadonlyArray<StreamKey | StreamDeclaration>;
  /** Defaults for every @ConsumeBatch consumer (the decorator's settings win). */
  consumers?: BatchConsumerSettings;
  /** Stream replicas (1 on one server, 3 on a cluster). */
  replicas?: number;
  /** Keep retrying the first connect instead of failing start-up. */
  waitOnFirstConnect?: boolean;
}

export interface MessagingModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => MessagingModuleOptions | Promise<MessagingModuleOptions>;
}

function streamDeclarations(options: MessagingModuleOptions): StreamDeclaration[] {
  const declared = (options.streams ?? []).map((s) => (typeof s === 'string' ? STREAMS[s] : s));
  return uniqueStreams([...declared, STREAMS.dlq]);
}

function uniqueStreams(streams: readonly StreamDeclaration[]): StreamDeclaration[] {
  return [...new Map(streams.map((s) => [s.name, s])).values()];
}

@Injectable()
export class MessagingLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly consumers: Array<BatchConsumer<unknown>> = [];
  private readonly logger: MessagingLogger;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly ns: Namespace,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Optional() private readonly health?: HealthService,
    @Optional() private readonly metrics?: MetricsService,
    @Optional() @Inject(LOGGER) logger?: Logger,
  ) {
    this.logger = logger ?? SILENT_LOGGER;
  }

  /** The running consumers (for diagnostics and tests). */
  get runningConsumers(): ReadonlyArray<BatchConsumer<unknown>> {
    return this.consumers;
  }

  async onModuleInit(): Promise<void> {
    const monitor = new NatsConnectionMonitor(this.nc, this.logger);
    this.health?.addReadinessCheck('nats', () => monitor.check());
    await this.provision(streamDeclarations(this.options));
  }

  async onApplicationBootstrap(): Promise<void> {
    const bindings = this.discoverHandlers();
    // Consumers need their stream (and the DLQ) even when the options did not list it.
    await this.provision(uniqueStreams(bindings.map((b) => STREAMS[b.meta.consumer.stream])));
    for (const { meta, handler, owner } of bindings) {
      const type = MESSAGE_TYPES[meta.consumer.messageType] as MessageType<unknown> | undefined;
      if (!type) throw new Error(`${owner}: unknown message type ${meta.consumer.messageType}`);
      const consumer = new BatchConsumer<unknown>(
        this.nc,
        {
          ...this.options.consumers,
          ...meta.settings,
          stream: STREAMS[meta.consumer.stream],
          durable: meta.consumer.durable,
          filterSubject: meta.consumer.filterSubject,
          messageType: type,
          namespace: this.ns,
          jsm: this.jsm,
          registry: this.metrics?.registry,
          health: this.health,
          logger: this.logger,
        },
        handler,
      );
      await consumer.start();
      this.consumers.push(consumer);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.health?.markShuttingDown();
    // Stop before the database closes (TypeORM closes in onApplicationShutdown): the batch in hand
    // is committed and acked, the rest goes back to the stream for another replica.
    await Promise.all(this.consumers.map(async (c) => c.stop()));
  }

  async onApplicationShutdown(): Promise<void> {
    // Last: other providers may still publish in their beforeApplicationShutdown.
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch((err: unknown) => {
      this.logger.warn({ err: errorMessage(err) }, 'nats drain failed');
    });
  }

  private async provision(streams: StreamDeclaration[]): Promise<void> {
    if (streams.length === 0) return;
    const results = await provisionStreams(this.jsm, uniqueStreams([...streams, STREAMS.dlq]), this.ns, {
      replicas: this.options.replicas,
    });
    for (const r of results) if (r.action !== 'unchanged') this.logger.info({ ...r }, `stream ${r.action}`);
  }

  private discoverHandlers(): Array<{
    meta: ConsumeBatchMetadata;
    handler: BatchHandler<unknown>;
    owner: string;
  }> {
    const found: Array<{ meta: ConsumeBatchMetadata; handler: BatchHandler<unknown>; owner: string }> = [];
    const seen = new Map<string, string>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const methods = instance as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
        const method = methods[name];
        if (typeof method !== 'function') continue;
        const meta = this.reflector.get<ConsumeBatchMetadata | undefined>(CONSUME_BATCH_METADATA, method);
        if (!meta) continue;
        const owner = `${instance.constructor.name}.${name}`;
        const key = `${meta.consumer.stream}/${meta.consumer.durable}`;
        const other = seen.get(key);
        if (other) throw new Error(`consumer ${key} is bound twice: ${other} and ${owner}`);
        seen.set(key, owner);
        const fn = method as (batch: unknown) => Promise<void>;
        found.push({ meta, owner, handler: async (batch) => fn.call(instance, batch) });
      }
    }
    return found;
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return MessagingModule.build([{ provide: MESSAGING_OPTIONS, useValue: options }], []);
  }

  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return MessagingModule.build(
      [{ provide: MESSAGING_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }],
      options.imports ?? [],
    );
  }

  private static build(
    optionsProviders: DynamicModule['providers'] & object,
    imports: NonNullable<ModuleMetadata['imports']>,
  ): DynamicModule {
    return {
      module: MessagingModule,
      imports: [DiscoveryModule, ...imports],
      providers: [
        ...optionsProviders,
        {
          provide: NATS_CONNECTION,
          inject: [MESSAGING_OPTIONS],
          useFactory: async (o: MessagingModuleOptions) =>
            connectNats({ url: o.url, name: o.serviceName, waitOnFirstConnect: o.waitOnFirstConnect }),
        },
        {
          provide: JETSTREAM_MANAGER,
          inject: [NATS_CONNECTION],
          useFactory: async (nc: NatsConnection) => jetstreamManager(nc),
        },
        {
          provide: Namespace,
          inject: [MESSAGING_OPTIONS],
          useFactory: (o: MessagingModuleOptions) => new Namespace(o.namespace ?? ''),
        },
        {
          provide: JetStreamPublisher,
          inject: [
            NATS_CONNECTION,
            Namespace,
            { token: MetricsService, optional: true },
            { token: LOGGER, optional: true },
          ],
          useFactory: (nc: NatsConnection, ns: Namespace, metrics?: MetricsService, logger?: Logger) =>
            new JetStreamPublisher(nc, { namespace: ns, registry: metrics?.registry, logger }),
        },
        MessagingLifecycle,
      ],
      exports: [NATS_CONNECTION, JETSTREAM_MANAGER, Namespace, JetStreamPublisher],
    };
  }
}
