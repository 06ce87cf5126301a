import { describe, expect, it } from '@jest/globals';
import {
  childContext,
  extractTraceContext,
  formatTraceparent,
  injectTraceContext,
  parseTraceparent,
} from './trace-context.js';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context', () => {
  it('should parse a valid traceparent', () => {
    expect(parseTraceparent(VALID)).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: 1,
    });
  });

  it.each([
    ['empty', ''],
    ['garbage', 'hello'],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['version 00 with extra fields', `${VALID}-extra`],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
  ])('should ignore a malformed header when it is %s', (_name, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('should accept future versions with extra fields', () => {
    expect(parseTraceparent(`01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future`)?.traceId).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it('should format what it parses', () => {
    expect(formatTraceparent(parseTraceparent(VALID)!)).toBe(VALID);
  });

  it('should keep the trace id and change the span id in a child', () => {
    const parent = parseTraceparent(VALID)!;
    const child = childContext(parent);
    expect(child.traceId).toBe(parent.traceId);
    expect(child.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.spanId).not.toBe(parent.spanId);
  });

  it('should start a new sampled trace without a parent', () => {
    const root = childContext();
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.flags).toBe(1);
  });

  it('should carry context and tracestate through headers', () => {
    const headers = new Map<string, string>();
    const ctx = { ...parseTraceparent(VALID)!, traceState: 'vendor=abc' };
    injectTraceContext(headers, ctx);
    expect(headers.get('traceparent')).toBe(VALID);
    expect(extractTraceContext(headers)).toEqual(ctx);
    expect(extractTraceContext(undefined)).toBeUndefined();
  });
});
