import { describe, expect, it } from '@jest/globals';
import { exponentialDelay, scheduleDelay } from './backoff.js';

describe('backoff', () => {
  it('should index the schedule by attempt and repeat its last entry', () => {
    const schedule = [100, 200, 500];
    expect(scheduleDelay(schedule, 1)).toBe(100);
    expect(scheduleDelay(schedule, 3)).toBe(500);
    expect(scheduleDelay(schedule, 10)).toBe(500);
    expect(scheduleDelay(schedule, 0)).toBe(100);
    expect(scheduleDelay([], 4)).toBe(0);
  });

  it('should double the delay up to the cap with bounded jitter', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const d = exponentialDelay(attempt, 100, 2000);
      const base = Math.min(2000, 100 * 2 ** (attempt - 1));
      expect(d).toBeGreaterThanOrEqual(base * 0.8 - 1);
      expect(d).toBeLessThanOrEqual(base * 1.2 + 1);
    }
  });
});
