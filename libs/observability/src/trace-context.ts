// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header that joins an
// agent's decision, the policy answer, the RayJob and its cost into one causal trace. Carried in NATS
// headers and gRPC metadata under the same name.
import { randomBytes } from 'node:crypto';

export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';

export interface TraceContext {
  /** 32 lowercase hex characters, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex characters, not all zero: the span that carried the context. */
  readonly spanId: string;
  /** Trace flags; bit 0 = sampled. */
  readonly flags: number;
  /** Opaque vendor state, passed through unchanged. */
  readonly traceState?: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** Parses a `traceparent` value; undefined when absent or malformed (a bad header never fails a request). */
export function parseTraceparent(
  value: string | null | undefined,
  traceState?: string,
): TraceContext | undefined {
  if (!value) return undefined;
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  // Version ff is invalid; version 00 must not carry extra fields.
  if (version === 'ff' || (version === '00' && rest)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, flags: parseInt(flags, 16), ...(traceState ? { traceState } : {}) };
}

export function formatTraceparent(ctx: TraceContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.flags.toString(16).padStart(2, '0')}`;
}

export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

export function newSpanId(): string {
  return randomBytes(8).toString('hex');
}

/** A child span of `parent` (same trace, new span id), or the root of a new sampled trace. */
export function childContext(parent?: TraceContext): TraceContext {
  if (!parent) return { traceId: newTraceId(), spanId: newSpanId(), flags: 1 };
  return { ...parent, spanId: newSpanId() };
}

/** Anything with string headers: NATS MsgHdrs, a Map, a small adapter over gRPC metadata. */
export interface HeaderCarrier {
  get(name: string): string | undefined | null;
  set(name: string, value: string): void;
}

export function extractTraceContext(
  headers: Pick<HeaderCarrier, 'get'> | undefined,
): TraceContext | undefined {
  if (!headers) return undefined;
  const state = headers.get(TRACESTATE_HEADER) ?? undefined;
  return parseTraceparent(headers.get(TRACEPARENT_HEADER), state || undefined);
}

export function injectTraceContext(headers: Pick<HeaderCarrier, 'set'>, ctx: TraceContext): void {
  headers.set(TRACEPARENT_HEADER, formatTraceparent(ctx));
  if (ctx.traceState) headers.set(TRACESTATE_HEADER, ctx.traceState);
}
