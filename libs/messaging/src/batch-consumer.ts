// A durable pull consumer that hands batches of decoded messages to one handler call and applies the
// delivery rules of DESIGN §4, the same in every service:
// - undecodable, invalid or oversize messages go to the DLQ with the reason, then are terminated;
// - a batch is acked only after the handler resolved (after its COMMIT);
// - a failing handler naks with backoff and turns readiness false; after `maxDeliver` deliveries a
//   message that still fails on its own is dead-lettered, never dropped;
// - stop() stops pulling, finishes and acks the batch in hand, and gives back what it buffered.
import {
  CodecError,
  CONTENT_TYPE_HEADER,
  decodeMessage,
  type MessageType,
  type StreamDeclaration,
} from '@auraison/contracts';
import { extractTraceContext } from '@auraison/observability';
import {
  jetstream,
  jetstreamManager,
  type Consumer,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import { DEFAULT_REDELIVERY_BACKOFF_MS, scheduleDelay } from './backoff.js';
import { publishDeadLetter, type DeadLetterSource } from './dead-letter.js';
import { errorMessage, isTransientError } from './errors.js';
import { JetStreamPublisher } from './jetstream-publisher.js';
import { getHeader, headersToRecord } from './message-headers.js';
import { MessagePuller, releaseNow } from './message-puller.js';
import { MessagingMetrics, type DlqReasonKind } from './messaging-metrics.js';
import { Namespace } from './namespace.js';
import { provisionConsumer } from './provisioning.js';
import {
  SILENT_LOGGER,
  type BatchHandler,
  type BatchResult,
  type ConsumedMessage,
  type MessagingLogger,
  type ReadinessRegistry,
  type ReadinessResult,
} from './types.js';

/** Tunables of a consumer; every field has a default. */
export interface BatchConsumerSettings {
  /** Most messages per handler call (default 256). */
  batchSize?: number;
  /** How long to wait for a full batch before handling a partial one (default 50 ms). */
  maxBatchWaitMs?: number;
  /** Redelivery after this long without an ack (default 30 s; in-progress handlers extend it). */
  ackWaitMs?: number;
  /**
   * Delivered-but-unacked cap of the durable, shared by every replica (default 8 x batchSize). Each
   * process holds at most maxBufferedMessages + one batch, so this bounds the whole deployment.
   */
  maxAckPending?: number;
  /** Most messages this process holds buffered or requested (default 2 x batchSize). */
  maxBufferedMessages?: number;
  /** Larger payloads are dead-lettered (default 1 MiB). */
  maxMessageBytes?: number;
  /** Deliveries after which a message that still fails on its own is dead-lettered (default 10). */
  maxDeliver?: number;
  /** Nak delay by delivery count; the last entry repeats (default 1 s, 2 s, 5 s, 10 s, 30 s, 60 s). */
  backoffMs?: readonly number[];
  /** Handler errors that are a dependency's fault: retried forever, never dead-lettered. */
  isTransientError?: (err: unknown) => boolean;
  /** How long a pull request waits on the server (default 5 s, min 1 s). */
  pullExpiresMs?: number;
  /** How often num_pending / num_ack_pending are read for the lag gauges (default 5 s). */
  lagPollIntervalMs?: number;
  /** Time allowed to store a dead letter before the original is nacked instead (default 5 s). */
  dlqDeadlineMs?: number;
}

export interface BatchConsumerOptions<T> extends BatchConsumerSettings {
  /** The stream as declared in @auraison/contracts (the namespace is applied here). */
  stream: StreamDeclaration;
  durable: string;
  messageType: MessageType<T>;
  /** Only this subject of the stream, as declared. */
  filterSubject?: string;
  namespace?: Namespace;
  /** Create or update the durable on start (default true). */
  provision?: boolean;
  jsm?: JetStreamManager;
  registry?: Registry;
  health?: ReadinessRegistry;
  logger?: MessagingLogger;
  /**
   * Fault injection for tests. `afterHandler` runs after the handler resolved and before the acks;
   * if it throws, the batch is abandoned unsettled (no ack, no nak), as if the process had died.
   */
  hooks?: { afterHandler?: (batch: readonly ConsumedMessage<T>[]) => void | Promise<void> };
}

type ConsumerState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

/** A delivered message on its way to an ack, nak or term (exactly one of them). */
interface Delivery<T> {
  readonly msg: JsMsg;
  readonly consumed: ConsumedMessage<T>;
  settled: boolean;
}

type Decoded<T> =
  { ok: true; consumed: ConsumedMessage<T> } | { ok: false; kind: DlqReasonKind; reason: string };

type HandlerOutcome =
  { kind: 'ok'; result?: BatchResult } | { kind: 'failed'; error: unknown } | { kind: 'abandoned' };

const MIB = 1024 * 1024;

export class BatchConsumer<T> {
  /** Stream name on the server (namespaced). */
  readonly streamName: string;
  readonly durable: string;
  /** `<stream>/<durable>`, used in logs, readiness and metrics. */
  readonly name: string;

  private readonly ns: Namespace;
  private readonly batchSize: number;
  private readonly maxBatchWaitMs: number;
  private readonly ackWaitMs: number;
  private readonly maxAckPending: number;
  private readonly maxBuffered: number;
  private readonly maxMessageBytes: number;
  private readonly maxDeliver: number;
  private readonly backoffMs: readonly number[];
  private readonly transient: (err: unknown) => boolean;
  private readonly pullExpiresMs: number;
  private readonly lagPollIntervalMs: number;
  private readonly dlqDeadlineMs: number;
  private readonly metrics: MessagingMetrics;
  private readonly labels: { stream: string; consumer: string };
  private readonly logger: MessagingLogger;
  private readonly dlqSource: DeadLetterSource;
  private readonly dlqPublisher: JetStreamPublisher;

  private state: ConsumerState = 'new';
  private consumer?: Consumer;
  private puller?: MessagePuller;
  private loopDone: Promise<void> = Promise.resolve();
  private stopping?: Promise<void>;
  private lagTimer?: NodeJS.Timeout;
  private inFlight: readonly Delivery<T>[] = [];
  private handlerFailingSince?: Date;
  private handlerError?: string;
  private pullFailingSince?: Date;
  private pullError?: string;
  private lastLag?: number;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: BatchConsumerOptions<T>,
    private readonly handler: BatchHandler<T>,
  ) {
    this.ns = options.namespace ?? new Namespace();
    this.streamName = this.ns.stream(options.stream.name);
    this.durable = options.durable;
    this.name = `${this.streamName}/${this.durable}`;
    this.batchSize = positive('batchSize', options.batchSize ?? 256);
    this.maxBatchWaitMs = options.maxBatchWaitMs ?? 50;
    this.ackWaitMs = positive('ackWaitMs', options.ackWaitMs ?? 30_000);
    this.maxAckPending = positive('maxAckPending', options.maxAckPending ?? 8 * this.batchSize);
    this.maxBuffered = Math.max(this.batchSize, options.maxBufferedMessages ?? 2 * this.batchSize);
    this.maxMessageBytes = positive('maxMessageBytes', options.maxMessageBytes ?? MIB);
    this.maxDeliver = positive('maxDeliver', options.maxDeliver ?? 10);
    this.backoffMs = options.backoffMs ?? DEFAULT_REDELIVERY_BACKOFF_MS;
    this.transient = options.isTransientError ?? isTransientError;
    this.pullExpiresMs = Math.max(1000, options.pullExpiresMs ?? 5000);
    this.lagPollIntervalMs = options.lagPollIntervalMs ?? 5000;
    this.dlqDeadlineMs = options.dlqDeadlineMs ?? 5000;
    const registry = options.registry ?? new Registry();
    this.metrics = MessagingMetrics.for(registry);
    this.labels = { stream: this.streamName, consumer: this.durable };
    this.logger = options.logger ?? SILENT_LOGGER;
    this.dlqSource = { declaredStream: options.stream.name, stream: this.streamName, consumer: this.durable };
    this.dlqPublisher = new JetStreamPublisher(nc, {
      namespace: this.ns,
      registry,
      logger: this.logger,
      deadlineMs: this.dlqDeadlineMs,
    });
  }

  /** Provisions the durable (unless told not to), registers readiness and starts pulling. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`consumer ${this.name} was already started`);
    this.state = 'starting';
    this.options.health?.addReadinessCheck(`consumer:${this.name}`, () => this.readiness());
    try {
      if (this.options.provision !== false) {
        const jsm = this.options.jsm ?? (await jetstreamManager(this.nc));
        const result = await provisionConsumer(
          jsm,
          {
            stream: this.options.stream,
            durable: this.durable,
            filterSubject: this.options.filterSubject,
            ackWaitMs: this.ackWaitMs,
            maxAckPending: this.maxAckPending,
          },
          this.ns,
        );
        if (result.action !== 'unchanged')
          this.logger.info({ consumer: this.name, ...result }, 'consumer provisioned');
      }
      this.consumer = await jetstream(this.nc).consumers.get(this.streamName, this.durable);
    } catch (err) {
      this.state = 'stopped';
      throw err;
    }
    if (this.state !== 'starting') return; // stop() was called while provisioning
    this.puller = new MessagePuller(this.consumer, {
      batchSize: this.batchSize,
      capacity: this.maxBuffered,
      expiresMs: this.pullExpiresMs,
      isClosed: () => this.nc.isClosed(),
      onError: (err) => {
        this.pullFailingSince ??= new Date();
        this.pullError = errorMessage(err);
        this.logger.warn({ consumer: this.name, err: this.pullError }, 'pull failed');
      },
      onHealthy: () => {
        this.pullFailingSince = undefined;
        this.pullError = undefined;
      },
    });
    this.state = 'running';
    this.puller.start();
    this.loopDone = this.run(this.puller);
    this.lagTimer = setInterval(() => void this.pollLag(), this.lagPollIntervalMs);
    this.lagTimer.unref();
    void this.pollLag();
    this.logger.info({ consumer: this.name, batchSize: this.batchSize }, 'consumer started');
  }

  /**
   * Stops pulling, finishes and acks the batch in hand, gives buffered messages back for immediate
   * redelivery, and flushes the acks to the server. Safe to call twice.
   */
  async stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /** Readiness: running, pulling, and the handler not failing. */
  readiness(): ReadinessResult {
    const label = `consumer ${this.name}`;
    if (this.state !== 'running') return { ok: false, detail: `${label}: ${this.state}` };
    if (this.handlerFailingSince)
      return {
        ok: false,
        detail: `${label}: handler failing since ${this.handlerFailingSince.toISOString()}: ${this.handlerError}`,
      };
    if (this.pullFailingSince)
      return {
        ok: false,
        detail: `${label}: cannot pull since ${this.pullFailingSince.toISOString()}: ${this.pullError}`,
      };
    return {
      ok: true,
      detail: `${label}: running${this.lastLag === undefined ? '' : `, lag ${this.lastLag}`}`,
    };
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    clearInterval(this.lagTimer);
    const leftovers = (await this.puller?.stop()) ?? [];
    for (const msg of leftovers) releaseNow(msg);
    await this.loopDone;
    // ack() only queues the ack: make sure the server has it before the connection goes away.
    if (!this.nc.isClosed()) await this.nc.flush().catch(() => undefined);
    this.state = 'stopped';
    this.logger.info({ consumer: this.name, released: leftovers.length }, 'consumer stopped');
  }

  private async run(puller: MessagePuller): Promise<void> {
    while (this.state === 'running') {
      const msgs = await puller.take(this.batchSize, this.maxBatchWaitMs);
      if (msgs.length === 0) continue;
      if (this.nc.isClosed()) {
        // Nothing handled now could be acked: the server redelivers these after ack_wait.
        this.logger.warn(
          { consumer: this.name, dropped: msgs.length },
          'connection closed; batch left for redelivery',
        );
        continue;
      }
      try {
        await this.processBatch(msgs);
      } catch (err) {
        // A bug of ours, not the handler's: never lose the batch.
        this.logger.error({ consumer: this.name, err: errorMessage(err) }, 'batch processing failed');
        for (const d of this.inFlight) this.nak(d, scheduleDelay(this.backoffMs, d.consumed.deliveryCount));
      } finally {
        this.inFlight = [];
      }
    }
  }

  private async processBatch(msgs: JsMsg[]): Promise<void> {
    const started = performance.now();
    this.metrics.batchSize.observe(this.labels, msgs.length);
    const valid: Delivery<T>[] = [];
    const dead: Array<Promise<void>> = [];
    for (const msg of msgs) {
      const decoded = this.decode(msg);
      if (decoded.ok) valid.push({ msg, consumed: decoded.consumed, settled: false });
      else dead.push(this.deadLetter(msg, decoded.kind, decoded.reason));
    }
    this.inFlight = valid;
    await Promise.all([...dead, this.handleValid(valid)]);
    this.metrics.batchDuration.observe(this.labels, (performance.now() - started) / 1000);
  }

  private decode(msg: JsMsg): Decoded<T> {
    if (msg.data.length > this.maxMessageBytes)
      return {
        ok: false,
        kind: 'oversize',
        reason: `message of ${msg.data.length} bytes exceeds the ${this.maxMessageBytes}-byte limit`,
      };
    const type = this.options.messageType;
    let message: T;
    try {
      message = decodeMessage(type, msg.data, getHeader(msg.headers, CONTENT_TYPE_HEADER));
    } catch (err) {
      if (err instanceof CodecError) return { ok: false, kind: err.kind, reason: err.reason };
      return { ok: false, kind: 'protobuf', reason: `${type.typeName}: ${errorMessage(err)}` };
    }
    const trace = extractTraceContext({ get: (name) => getHeader(msg.headers, name) });
    return {
      ok: true,
      consumed: {
        message,
        eventId: type.eventId(message),
        subject: this.ns.localSubject(msg.subject),
        streamSequence: msg.seq,
        deliveryCount: msg.info.deliveryCount,
        headers: headersToRecord(msg.headers),
        ...(trace ? { trace } : {}),
        publishedAt: msg.time,
      },
    };
  }

  private async handleValid(valid: Delivery<T>[]): Promise<void> {
    if (valid.length === 0) return;
    // First deliveries go together; redeliveries (a batch that failed before) go apart, so that if a
    // poison message is among them it is found one by one instead of failing the good ones again.
    const fresh = valid.filter((d) => d.consumed.deliveryCount <= 1);
    const retried = valid.filter((d) => d.consumed.deliveryCount > 1);
    if (fresh.length > 0) await this.handleGroup(fresh, false);
    if (retried.length > 0) await this.handleGroup(retried, true);
  }

  private async handleGroup(group: Delivery<T>[], isolateOnFailure: boolean): Promise<void> {
    const outcome = await this.callHandler(group);
    if (outcome.kind === 'abandoned') return;
    if (outcome.kind === 'ok') {
      const rejected = new Map((outcome.result?.rejected ?? []).map((r) => [r.eventId, r.reason]));
      const accepted = group.filter((d) => !rejected.has(d.consumed.eventId));
      for (const d of accepted) this.ack(d);
      await Promise.all(
        group
          .filter((d) => rejected.has(d.consumed.eventId))
          .map(async (d) => this.deadLetter(d, 'rejected', rejected.get(d.consumed.eventId)!)),
      );
      this.metrics.processed.inc(this.labels, accepted.length);
      if (this.handlerFailingSince)
        this.logger.info({ consumer: this.name, since: this.handlerFailingSince }, 'handler recovered');
      this.handlerFailingSince = undefined;
      this.handlerError = undefined;
      return;
    }
    const { error } = outcome;
    const transient = this.transient(error);
    this.handlerFailingSince ??= new Date();
    this.handlerError = errorMessage(error);
    this.logger.warn(
      { consumer: this.name, size: group.length, transient, err: this.handlerError },
      'handler failed',
    );
    if (isolateOnFailure && group.length > 1 && !transient) {
      for (const d of group) await this.handleGroup([d], false);
      return;
    }
    this.metrics.failed.inc(this.labels, group.length);
    await Promise.all(
      group.map(async (d) => {
        const { deliveryCount } = d.consumed;
        if (!transient && deliveryCount >= this.maxDeliver)
          await this.deadLetter(
            d,
            'handler',
            `handler failed ${deliveryCount} times: ${errorMessage(error)}`,
          );
        else this.nak(d, scheduleDelay(this.backoffMs, deliveryCount));
      }),
    );
  }

  private async callHandler(group: Delivery<T>[]): Promise<HandlerOutcome> {
    const batch = group.map((d) => d.consumed);
    const keepAlive = this.keepAlive(group);
    let result: void | BatchResult;
    try {
      result = await this.handler(batch);
    } catch (error) {
      return { kind: 'failed', error };
    } finally {
      clearInterval(keepAlive);
    }
    try {
      await this.options.hooks?.afterHandler?.(batch);
    } catch (err) {
      for (const d of group) d.settled = true;
      this.logger.warn(
        { consumer: this.name, err: errorMessage(err) },
        'batch abandoned unacknowledged (fault hook)',
      );
      return { kind: 'abandoned' };
    }
    return { kind: 'ok', result: result ?? undefined };
  }

  /** While a handler runs, tells the server we are still working so ack_wait does not expire. */
  private keepAlive(group: Delivery<T>[]): NodeJS.Timeout {
    const timer = setInterval(
      () => {
        for (const d of group) if (!d.settled) touch(d.msg);
        for (const msg of this.puller?.buffered ?? []) touch(msg);
      },
      Math.max(500, Math.floor(this.ackWaitMs / 3)),
    );
    timer.unref();
    return timer;
  }

  /**
   * Stores a dead letter and only then terminates the original; if the DLQ cannot be reached the
   * original is nacked (kept), never lost.
   */
  private async deadLetter(target: JsMsg | Delivery<T>, kind: DlqReasonKind, reason: string): Promise<void> {
    const delivery = isDelivery(target) ? target : undefined;
    const msg = delivery ? delivery.msg : (target as JsMsg);
    try {
      await publishDeadLetter(this.dlqPublisher, msg, this.dlqSource, kind, reason, this.dlqDeadlineMs);
    } catch (err) {
      this.logger.error(
        { consumer: this.name, seq: msg.seq, reason, err: errorMessage(err) },
        'dead letter not stored; message kept for redelivery',
      );
      const delay = scheduleDelay(this.backoffMs, msg.info.deliveryCount);
      if (delivery) this.nak(delivery, delay);
      else settle(() => msg.nak(delay), this.logger);
      return;
    }
    if (delivery) {
      if (delivery.settled) return;
      delivery.settled = true;
    }
    // term() without a reason: nats-server 2.9 redelivers a `+TERM <reason>` as if it were not acked.
    settle(() => msg.term(), this.logger);
    this.metrics.dlq.inc({ ...this.labels, reason_kind: kind });
    this.logger.warn({ consumer: this.name, seq: msg.seq, kind, reason }, 'message dead-lettered');
  }

  private ack(d: Delivery<T>): void {
    if (d.settled) return;
    d.settled = true;
    settle(() => d.msg.ack(), this.logger);
  }

  private nak(d: Delivery<T>, delayMs: number): void {
    if (d.settled) return;
    d.settled = true;
    settle(() => d.msg.nak(delayMs), this.logger);
  }

  private async pollLag(): Promise<void> {
    if (!this.consumer || this.nc.isClosed()) return;
    try {
      const info = await this.consumer.info();
      this.lastLag = info.num_pending;
      this.metrics.lag.set(this.labels, info.num_pending);
      this.metrics.ackPending.set(this.labels, info.num_ack_pending);
    } catch (err) {
      this.logger.debug({ consumer: this.name, err: errorMessage(err) }, 'consumer info failed');
    }
  }
}

function isDelivery<T>(target: JsMsg | Delivery<T>): target is Delivery<T> {
  // Not `'msg' in target`: a JsMsg has a `msg` property too (the core message).
  return 'consumed' in target;
}

function settle(fn: () => void, logger: MessagingLogger): void {
  try {
    fn();
  } catch (err) {
    // Connection closed: the server redelivers after ack_wait; the idempotent handler absorbs it.
    logger.debug({ err: errorMessage(err) }, 'ack/nak not sent');
  }
}

function touch(msg: JsMsg): void {
  try {
    msg.working();
  } catch {
    // Connection closed: nothing to extend.
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number (got ${value})`);
  return value;
}
