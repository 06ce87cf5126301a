// Small structural interfaces the messaging core depends on, so it needs neither Nest nor a concrete
// logger: @auraison/observability's HealthService and a pino Logger satisfy them as they are.
import type { TraceContext } from '@auraison/observability';

export interface ReadinessResult {
  ok: boolean;
  detail?: string;
}

/** Where readiness checks are registered (HealthService from @auraison/observability fits). */
export interface ReadinessRegistry {
  addReadinessCheck(name: string, check: () => ReadinessResult | Promise<ReadinessResult>): void;
  removeReadinessCheck?(name: string): void;
}

type LogFn = (fields: object, message?: string) => void;

/** The subset of pino's Logger the library writes to. */
export interface MessagingLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop: LogFn = () => undefined;

export const SILENT_LOGGER: MessagingLogger = { debug: noop, info: noop, warn: noop, error: noop };

/** One message of a batch, as a handler sees it: decoded, validated, transport details read-only. */
export interface ConsumedMessage<T> {
  /** The decoded, validated message. */
  readonly message: T;
  /** Its event id (the idempotency key of every write). */
  readonly eventId: string;
  /** Subject it was published on, as declared (without the namespace prefix). */
  readonly subject: string;
  /** Sequence of the message in its stream. */
  readonly streamSequence: number;
  /** 1 on first delivery, more on redeliveries. */
  readonly deliveryCount: number;
  /** Message headers (first value of each). */
  readonly headers: Readonly<Record<string, string>>;
  /** W3C trace context from the `traceparent` header, when present and valid. */
  readonly trace?: TraceContext;
  /** When JetStream stored the message. */
  readonly publishedAt: Date;
}

/**
 * Handles one batch in ONE database transaction and resolves after COMMIT; writes must be idempotent
 * on `eventId`, because a batch whose acks were lost is delivered again. Throwing naks the batch.
 */
/**
 * What a handler may say about a batch it committed: messages it refused on semantic grounds (unknown
 * tenant, impossible values...). Those go to the DLQ with the reason; the rest are acked.
 */
export interface BatchResult {
  rejected?: ReadonlyArray<{ eventId: string; reason: string }>;
}

export type BatchHandler<T> = (batch: ConsumedMessage<T>[]) => Promise<void | BatchResult>;
