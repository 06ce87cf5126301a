import { describe, expect, it } from '@jest/globals';
import { monthsAround } from './months.js';

describe('monthsAround', () => {
  it('should list the previous month through three ahead in UTC when called', () => {
    expect(monthsAround(new Date('2026-12-31T23:30:00-05:00'))).toEqual([
      '2026-12-01',
      '2027-01-01',
      '2027-02-01',
      '2027-03-01',
      '2027-04-01',
    ]);
  });

  it('should cross the year boundary backwards when it is January', () => {
    expect(monthsAround(new Date('2027-01-15T00:00:00Z'), 2, 0)).toEqual([
      '2026-11-01',
      '2026-12-01',
      '2027-01-01',
    ]);
  });
});
