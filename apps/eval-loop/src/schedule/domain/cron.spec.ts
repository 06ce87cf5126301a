import { describe, expect, it } from '@jest/globals';
import { CronError, nextRun, parseCron } from './cron.js';

const at = (iso: string) => new Date(iso);
const next = (expr: string, after: string) => nextRun(parseCron(expr), at(after)).toISOString();

describe('cron', () => {
  it('should fire daily at midnight UTC for @daily', () => {
    expect(next('@daily', '2026-12-04T10:11:12Z')).toBe('2026-12-05T00:00:00.000Z');
    expect(next('@daily', '2026-12-31T23:59:59Z')).toBe('2027-01-01T00:00:00.000Z');
  });

  it('should always move strictly forward', () => {
    expect(next('0 0 * * *', '2026-12-05T00:00:00Z')).toBe('2026-12-06T00:00:00.000Z');
  });

  it('should handle steps, ranges and lists', () => {
    expect(next('*/15 * * * *', '2026-12-04T10:16:00Z')).toBe('2026-12-04T10:30:00.000Z');
    expect(next('0 9-17/4 * * *', '2026-12-04T13:30:00Z')).toBe('2026-12-04T17:00:00.000Z');
    expect(next('5,35 * * * *', '2026-12-04T10:06:00Z')).toBe('2026-12-04T10:35:00.000Z');
  });

  it('should treat day of month and day of week as either when both are set', () => {
    // 2026-12-04 is a Friday: "the 10th or any Monday" next fires on Monday the 7th.
    expect(next('0 0 10 * 1', '2026-12-04T12:00:00Z')).toBe('2026-12-07T00:00:00.000Z');
    expect(next('0 0 * * 7', '2026-12-04T12:00:00Z')).toBe('2026-12-06T00:00:00.000Z'); // 7 = Sunday
  });

  it('should skip to a month that has the day', () => {
    expect(next('0 0 31 * *', '2027-02-01T00:00:00Z')).toBe('2027-03-31T00:00:00.000Z');
  });

  it.each(['* * *', '61 * * * *', '* 24 * * *', 'a b c d e', '0 0 30 2 *'])(
    'should refuse %j clearly',
    (expr) => {
      expect(() => nextRun(parseCron(expr), at('2026-12-04T00:00:00Z'))).toThrow(CronError);
    },
  );
});
