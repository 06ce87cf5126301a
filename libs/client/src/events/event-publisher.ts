// Publishes what the control plane and the user plane report, the way the plane's consumers expect
// (DESIGN §4): protobuf payload, `Nats-Msg-Id` = event id (JetStream drops a repeat inside its duplicate
// window, and every consumer is idempotent on the id beyond it), a W3C `traceparent`, and the PubAck
// awaited, retrying timeouts and missing responders until a deadline with the same id. An event is
// validated before it leaves, so a bad one fails here, naming the field, instead of in a dead-letter queue.
import { randomUUID } from 'node:crypto';
import {
  AgentEventMessage,
  CONTENT_TYPE_HEADER,
  CONTENT_TYPE_PROTOBUF,
  ExecutionEventMessage,
  Plane,
  SUBJECTS,
  type AgentEvent,
  type ExecutionEvent,
  type MessageType,
} from '@auraison/contracts';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import {
  connect,
  errors as natsErrors,
  headers as natsHeaders,
  type NatsConnection,
} from '@nats-io/transport-node';
import { childSpan, formatTraceparent, TRACEPARENT, type TraceContext } from '../trace/trace-context.js';

export interface EventPublisherOptions {
  /** Time one attempt waits for the PubAck (default 5 s). */
  attemptTimeoutMs?: number;
  /** Total time of a publish, retries included (default 30 s). */
  deadlineMs?: number;
  /** First retry delay, doubled up to 2 s, with jitter (default 100 ms). */
  retryBaseMs?: number;
  /** Subject prefix of a namespaced plane (tests, parallel local runs); empty in production. */
  namespace?: string;
  /** The trace events belong to when they carry none (default: a new trace per event). */
  trace?: TraceContext;
}

export interface ConnectOptions extends EventPublisherOptions {
  /** NATS URL(s), comma-separated (default `NATS_URL` or `nats://127.0.0.1:4222`). */
  url?: string;
  /** Client name shown by the server. */
  name?: string;
}

export interface PublishOptions {
  /** The caller's span; the event's trace ids are filled from it when the event has none. */
  trace?: TraceContext;
  /** Extra headers. */
  headers?: Readonly<Record<string, string>>;
}

export interface PublishReceipt {
  eventId: string;
  stream: string;
  seq: number;
  /** JetStream had this event id already (a retry of a publish that had in fact succeeded). */
  duplicate: boolean;
  attempts: number;
}

export class EventValidationError extends Error {
  constructor(
    readonly typeName: string,
    readonly problems: string[],
  ) {
    super(`invalid ${typeName.split('.').pop()}: ${problems.join('; ')}`);
    this.name = 'EventValidationError';
  }
}

export class EventPublishError extends Error {
  constructor(
    readonly subject: string,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(
      `publishing to ${subject} failed after ${attempts} attempt(s): ${(cause as Error)?.message ?? String(cause)}` +
        ' - is NATS reachable, and has a plane service created the stream (it does at start-up)?',
    );
    this.name = 'EventPublishError';
  }
}

function isRetryable(err: unknown): boolean {
  if (err instanceof natsErrors.ClosedConnectionError || err instanceof natsErrors.DrainingConnectionError)
    return false;
  if (
    err instanceof natsErrors.TimeoutError ||
    err instanceof natsErrors.ConnectionError ||
    err instanceof natsErrors.NoRespondersError
  )
    return true;
  if (err instanceof natsErrors.RequestError)
    return err.isNoResponders() || err.cause instanceof natsErrors.TimeoutError;
  // No responders on a JetStream subject: the stream may be starting or electing a leader.
  return err instanceof Error && err.name === 'JetStreamNotEnabled';
}

export class EventPublisher {
  private readonly js: JetStreamClient;

  constructor(
    readonly connection: NatsConnection,
    private readonly options: EventPublisherOptions = {},
    private readonly ownsConnection = false,
  ) {
    this.js = jetstream(connection);
  }

  /** Connects to NATS (reconnecting forever) and returns a publisher that closes the connection. */
  static async connect(options: ConnectOptions = {}): Promise<EventPublisher> {
    const url = options.url ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    const nc = await connect({
      servers: url
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      name: options.name ?? 'auraison-client',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      timeout: 5000,
    }).catch((e: Error) => {
      throw new Error(`cannot connect to NATS at ${url} (${e.message}): is it running? (NATS_URL)`);
    });
    return new EventPublisher(nc, options, true);
  }

  /** Publishes one finished agent run on `mp.agent.events`. */
  async publishAgentEvent(event: AgentEvent, opts: PublishOptions = {}): Promise<PublishReceipt> {
    const e: AgentEvent = { ...event, plane: event.plane || Plane.PLANE_CONTROL };
    return this.publish(AgentEventMessage, SUBJECTS.agentEvents, e, opts);
  }

  /** Publishes one job status change on `mp.execution.events`. */
  async publishExecutionEvent(event: ExecutionEvent, opts: PublishOptions = {}): Promise<PublishReceipt> {
    const e: ExecutionEvent = { ...event, plane: event.plane || Plane.PLANE_USER };
    return this.publish(ExecutionEventMessage, SUBJECTS.executionEvents, e, opts);
  }

  /** Flushes and closes the connection when this publisher opened it. */
  async close(): Promise<void> {
    if (this.ownsConnection && !this.connection.isClosed()) await this.connection.drain();
  }

  private async publish<
    T extends {
      eventId: string;
      timestamp?: Date | undefined;
      traceId?: string | undefined;
      spanId?: string | undefined;
    },
  >(type: MessageType<T>, declaredSubject: string, event: T, opts: PublishOptions): Promise<PublishReceipt> {
    const span =
      event.traceId && event.spanId
        ? { traceId: event.traceId, spanId: event.spanId, flags: 1 }
        : childSpan(opts.trace ?? this.options.trace);
    const e: T = {
      ...event,
      eventId: event.eventId || randomUUID(),
      timestamp: event.timestamp ?? new Date(),
      traceId: event.traceId || span.traceId,
      spanId: event.spanId || span.spanId,
    };
    const problems = type.validate(e);
    if (problems.length > 0) throw new EventValidationError(type.typeName, problems);

    const subject = this.options.namespace ? `${this.options.namespace}.${declaredSubject}` : declaredSubject;
    const h = natsHeaders();
    h.set(CONTENT_TYPE_HEADER, CONTENT_TYPE_PROTOBUF);
    h.set(TRACEPARENT, formatTraceparent(span));
    for (const [k, v] of Object.entries(opts.headers ?? {})) h.set(k, v.replace(/[\r\n]+/g, ' '));
    const data = type.encode(e);

    const deadline = Date.now() + (this.options.deadlineMs ?? 30_000);
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - Date.now();
      try {
        const ack = await this.js.publish(subject, data, {
          headers: h,
          msgID: e.eventId,
          timeout: Math.max(1, Math.min(this.options.attemptTimeoutMs ?? 5000, remaining)),
        });
        return {
          eventId: e.eventId,
          stream: ack.stream,
          seq: ack.seq,
          duplicate: ack.duplicate,
          attempts: attempt,
        };
      } catch (err) {
        const base = this.options.retryBaseMs ?? 100;
        const delay = Math.round(Math.min(2000, base * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4));
        if (!isRetryable(err) || Date.now() + delay >= deadline)
          throw new EventPublishError(subject, attempt, err);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
