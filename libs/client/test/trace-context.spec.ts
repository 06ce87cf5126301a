import { describe, expect, it } from '@jest/globals';
import { childSpan, formatTraceparent, parseTraceparent, traceFromEnv } from '../src/index.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context', () => {
  it('should round-trip a traceparent', () => {
    const ctx = parseTraceparent(TP);
    expect(ctx).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: 1,
    });
    expect(formatTraceparent(ctx!)).toBe(TP);
  });

  it('should refuse malformed and all-zero ids', () => {
    expect(parseTraceparent('garbage')).toBeUndefined();
    expect(parseTraceparent(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(parseTraceparent(undefined)).toBeUndefined();
  });

  it('should keep the trace and make a new span for a child', () => {
    const parent = parseTraceparent(TP)!;
    const child = childSpan(parent);
    expect(child.traceId).toBe(parent.traceId);
    expect(child.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.spanId).not.toBe(parent.spanId);
    expect(childSpan().traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('should read TRACEPARENT from the environment', () => {
    expect(traceFromEnv({ TRACEPARENT: TP })?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceFromEnv({})).toBeUndefined();
  });
});
