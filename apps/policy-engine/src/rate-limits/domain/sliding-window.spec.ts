import { describe, expect, it } from '@jest/globals';
import { secondsToNextWindow, slidingEstimate, windowCapacity, windowStart } from './sliding-window.js';

const at = (iso: string) => new Date(iso);

describe('sliding window', () => {
  it('should start windows on the minute', () => {
    expect(windowStart(at('2026-12-04T12:34:56.789Z')).toISOString()).toBe('2026-12-04T12:34:00.000Z');
  });

  it('should weight the previous window by the part still inside the last 60 s', () => {
    expect(slidingEstimate(100, 10, at('2026-12-04T12:00:00Z'))).toBe(110);
    expect(slidingEstimate(100, 10, at('2026-12-04T12:00:45Z'))).toBe(35);
  });

  it("should leave the current window the limit minus the previous window's weighted share", () => {
    expect(windowCapacity(10, 0, at('2026-12-04T12:00:30Z'))).toBe(10);
    expect(windowCapacity(10, 8, at('2026-12-04T12:00:15Z'))).toBe(4);
    expect(windowCapacity(10, 20, at('2026-12-04T12:00:00Z'))).toBe(-10);
  });

  it('should hint the seconds until the window ends', () => {
    expect(secondsToNextWindow(at('2026-12-04T12:00:30Z'))).toBe(30);
    expect(secondsToNextWindow(at('2026-12-04T12:00:59.900Z'))).toBe(1);
  });
});
