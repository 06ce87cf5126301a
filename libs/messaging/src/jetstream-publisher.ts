// Publishes plane messages to JetStream the way DESIGN §4 requires: protobuf payload, Nats-Msg-Id =
// event id (JetStream drops a repeat inside the stream's duplicate window), W3C trace context, and
// the PubAck awaited, retrying timeouts, missing responders and connection errors until a deadline.
// A retry reuses the same Nats-Msg-Id, so it never stores a second copy.
import { CONTENT_TYPE_HEADER, CONTENT_TYPE_PROTOBUF, type MessageType } from '@auraison/contracts';
import { childContext, injectTraceContext, type TraceContext } from '@auraison/observability';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { Match, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import { exponentialDelay, sleep } from './backoff.js';
import { errorMessage, isRetryablePublishError } from './errors.js';
import { MSG_ID_HEADER, toMsgHdrs } from './message-headers.js';
import { MessagingMetrics } from './messaging-metrics.js';
import { Namespace } from './namespace.js';
import { SILENT_LOGGER, type MessagingLogger } from './types.js';

export interface PublisherOptions {
  /** Namespace applied to every subject (default: production names). */
  namespace?: Namespace;
  /** Registry for mp_messages_published_total and friends (default: a private one). */
  registry?: Registry;
  logger?: MessagingLogger;
  /** How long one attempt waits for the PubAck (default 5 s). */
  attemptTimeoutMs?: number;
  /** Total time allowed for a publish, retries included (default 30 s). */
  deadlineMs?: number;
  /** First retry delay; doubles up to 2 s (default 100 ms). */
  retryBaseMs?: number;
}

export interface PublishOptions {
  /** Trace context to carry (the caller's current span); a new trace is started when absent. */
  trace?: TraceContext;
  /** Extra headers. */
  headers?: Readonly<Record<string, string>>;
  /** Overrides the default deadline for this publish. */
  deadlineMs?: number;
}

export interface RawPublishOptions {
  /** Nats-Msg-Id for deduplication (also accepted as a header). */
  msgId?: string;
  deadlineMs?: number;
}

export interface PublishResult {
  /** Stream that stored the message. */
  stream: string;
  /** Its sequence in the stream (the original one when `duplicate`). */
  seq: number;
  /** True when JetStream had already stored a message with this Nats-Msg-Id. */
  duplicate: boolean;
  /** Attempts made (1 when nothing was retried). */
  attempts: number;
}

export class PublishError extends Error {
  constructor(
    readonly subject: string,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(`publish to ${subject} failed after ${attempts} attempt(s): ${errorMessage(cause)}`);
    this.name = 'PublishError';
  }
}

export class JetStreamPublisher {
  readonly namespace: Namespace;
  private readonly js: JetStreamClient;
  private readonly metrics: MessagingMetrics;
  private readonly logger: MessagingLogger;
  private readonly attemptTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly retryBaseMs: number;

  constructor(nc: NatsConnection, options: PublisherOptions = {}) {
    this.js = jetstream(nc);
    this.namespace = options.namespace ?? new Namespace();
    this.metrics = MessagingMetrics.for(options.registry ?? new Registry());
    this.logger = options.logger ?? SILENT_LOGGER;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 5000;
    this.deadlineMs = options.deadlineMs ?? 30_000;
    this.retryBaseMs = options.retryBaseMs ?? 100;
  }

  /**
   * Encodes `message` as protobuf and publishes it on `subject` (as declared; the namespace is
   * applied here) with Nats-Msg-Id = its event id. Resolves with the PubAck; `duplicate` is true
   * when the stream already had this event id.
   */
  async publish<T>(
    type: MessageType<T>,
    subject: string,
    message: T,
    opts: PublishOptions = {},
  ): Promise<PublishResult> {
    const headers = toMsgHdrs(opts.headers);
    headers.set(CONTENT_TYPE_HEADER, CONTENT_TYPE_PROTOBUF);
    injectTraceContext(headers, opts.trace ?? childContext());
    return this.send(subject, type.encode(message), headers, type.eventId(message), opts.deadlineMs);
  }

  /**
   * Publishes bytes as they are, with the given headers (dead letters, other languages' payloads in
   * tests). `subject` is as declared; the namespace is applied here.
   */
  async publishRaw(
    subject: string,
    data: Uint8Array,
    headers?: Readonly<Record<string, string>> | MsgHdrs,
    opts: RawPublishOptions = {},
  ): Promise<PublishResult> {
    const h = toMsgHdrs(headers);
    const msgId =
      opts.msgId ??
      (h.has(MSG_ID_HEADER, Match.IgnoreCase) ? h.get(MSG_ID_HEADER, Match.IgnoreCase) : undefined);
    h.delete(MSG_ID_HEADER, Match.IgnoreCase); // set by js.publish from msgID
    return this.send(subject, data, h, msgId, opts.deadlineMs);
  }

  private async send(
    subject: string,
    data: Uint8Array,
    headers: MsgHdrs,
    msgId: string | undefined,
    deadlineMs = this.deadlineMs,
  ): Promise<PublishResult> {
    const target = this.namespace.subject(subject);
    const started = performance.now();
    const deadline = Date.now() + deadlineMs;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - Date.now();
      try {
        const ack = await this.js.publish(target, data, {
          headers,
          timeout: Math.max(1, Math.min(this.attemptTimeoutMs, remaining)),
          ...(msgId ? { msgID: msgId } : {}),
        });
        this.metrics.published.inc({ subject, result: ack.duplicate ? 'duplicate' : 'stored' });
        this.metrics.publishDuration.observe({ subject }, (performance.now() - started) / 1000);
        return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate, attempts: attempt };
      } catch (err) {
        const delay = exponentialDelay(attempt, this.retryBaseMs, 2000);
        if (!isRetryablePublishError(err) || Date.now() + delay >= deadline) {
          this.metrics.publishFailures.inc({ subject });
          throw new PublishError(target, attempt, err);
        }
        this.metrics.publishRetries.inc({ subject });
        this.logger.warn({ subject: target, attempt, err: errorMessage(err) }, 'publish failed, retrying');
        await sleep(delay);
      }
    }
  }
}
