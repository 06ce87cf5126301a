import { describe, expect, it } from '@jest/globals';
import {
  isClosed,
  normalizeAnchorDay,
  parsePeriod,
  periodContaining,
  PeriodError,
  periodFromStartDate,
  periodStartDate,
} from './period.js';

const at = (iso: string): Date => new Date(iso);

describe('billing periods', () => {
  it('should use calendar months in UTC when the anchor day is 1', () => {
    const p = periodContaining(at('2026-12-31T23:59:59.999Z'), 1);
    expect([p.label, p.start.toISOString(), p.end.toISOString(), p.startDate]).toEqual([
      '2026-12',
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
      '2026-12-01',
    ]);
    expect(periodContaining(at('2027-01-01T00:00:00.000Z'), 1).label).toBe('2027-01');
  });

  it('should start periods on the anchor day when the tenant has one, named after their first month', () => {
    expect(periodContaining(at('2026-12-14T23:59:59Z'), 15).startDate).toBe('2026-11-15');
    expect(periodContaining(at('2026-12-15T00:00:00Z'), 15).startDate).toBe('2026-12-15');
    const jan = periodContaining(at('2027-01-03T00:00:00Z'), 28);
    expect([jan.label, jan.end.toISOString()]).toEqual(['2026-12', '2027-01-28T00:00:00.000Z']);
  });

  it('should give the same start dates when taking the ingest fast path', () => {
    for (const iso of [
      '2026-01-14T23:59:59Z',
      '2026-01-15T00:00:00Z',
      '2026-12-31T23:59:59Z',
      '2027-01-01T00:00:00Z',
    ])
      for (const anchor of [1, 15, 28])
        expect(periodStartDate(at(iso), anchor)).toBe(periodContaining(at(iso), anchor).startDate);
  });

  it('should find the anchor period when given a month or a date', () => {
    expect(parsePeriod('2026-12', 15).start.toISOString()).toBe('2026-12-15T00:00:00.000Z');
    expect(parsePeriod('2026-12-03', 15).start.toISOString()).toBe('2026-11-15T00:00:00.000Z');
    expect(parsePeriod('2026-02', 1).end.toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it.each(['2026-13', '2026-02-30', '26-12', 'december', '2026-12-1'])(
    'should refuse %p when it is neither a month nor a date',
    (text) => {
      expect(() => parsePeriod(text, 1)).toThrow(PeriodError);
    },
  );

  it('should rebuild a period from its stored start and close it when its end has passed', () => {
    const p = periodFromStartDate('2026-11-15');
    expect(p.end.toISOString()).toBe('2026-12-15T00:00:00.000Z');
    expect(isClosed(p, at('2026-12-14T23:59:59Z'))).toBe(false);
    expect(isClosed(p, at('2026-12-15T00:00:00Z'))).toBe(true);
  });

  it('should fall back to calendar months when the anchor day is missing or impossible', () => {
    expect([
      normalizeAnchorDay(undefined),
      normalizeAnchorDay(0),
      normalizeAnchorDay(31),
      normalizeAnchorDay(9),
    ]).toEqual([1, 1, 1, 9]);
  });
});
