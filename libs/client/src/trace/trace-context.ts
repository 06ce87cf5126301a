// W3C Trace Context (`traceparent`) without a tracing SDK: the control plane passes its current span
// (or nothing, and a trace is started), and every call and event it makes carries it, so the plane's
// causal trace joins agent decision -> policy decision -> job -> GPU seconds.
import { randomBytes } from 'node:crypto';

export const TRACEPARENT = 'traceparent';

export interface TraceContext {
  /** 32 lowercase hex characters, not all zero. */
  traceId: string;
  /** 16 lowercase hex characters, not all zero. */
  spanId: string;
  /** W3C flags; 1 = sampled (default). */
  flags?: number;
}

const PARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}

export const newTraceId = (): string => nonZeroHex(16);
export const newSpanId = (): string => nonZeroHex(8);

/** Parses a `traceparent` value; undefined when absent or malformed. */
export function parseTraceparent(value: string | undefined | null): TraceContext | undefined {
  const m = PARENT.exec((value ?? '').trim().toLowerCase());
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!)) return undefined;
  return { traceId: m[2]!, spanId: m[3]!, flags: parseInt(m[4]!, 16) };
}

export function formatTraceparent(ctx: TraceContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.flags ?? 1).toString(16).padStart(2, '0')}`;
}

/** A new span in the parent's trace (a new trace without a parent). */
export function childSpan(parent?: TraceContext): TraceContext {
  return { traceId: parent?.traceId ?? newTraceId(), spanId: newSpanId(), flags: parent?.flags ?? 1 };
}

/** The trace of the process: `TRACEPARENT` in the environment (set by whoever spawned us), if any. */
export function traceFromEnv(env: NodeJS.ProcessEnv = process.env): TraceContext | undefined {
  return parseTraceparent(env.TRACEPARENT ?? env.traceparent);
}
