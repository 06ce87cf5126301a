import { describe, expect, it } from '@jest/globals';
import {
  decimalFromNumber,
  fromMilli,
  hasAtMostThreeDecimals,
  normalizeDecimal,
  toMilli,
} from './decimal.js';

describe('three-decimal quotas', () => {
  it.each([0, 1, 12.5, 0.1, 0.001, 123456789.123, 1_000_000_000])('should accept %p', (n) => {
    expect(hasAtMostThreeDecimals(n)).toBe(true);
  });

  it.each([0.0005, 1e-7, 2.0001, Number.NaN, Number.POSITIVE_INFINITY])('should refuse %p', (n) => {
    expect(hasAtMostThreeDecimals(n)).toBe(false);
  });

  it('should convert numbers to exact decimals and back without floats', () => {
    expect(decimalFromNumber(0.1)).toBe('0.1');
    expect(decimalFromNumber(12.5)).toBe('12.5');
    expect(decimalFromNumber(4)).toBe('4');
    expect(toMilli('12.500')).toBe(12500n);
    expect(toMilli('0.001')).toBe(1n);
    expect(fromMilli(1n)).toBe('0.001');
    expect(normalizeDecimal('64.000')).toBe('64');
  });

  it('should refuse anything that is not a non-negative three-decimal number', () => {
    for (const bad of ['-1', '1.2345', '1e3', '', 'abc']) expect(() => toMilli(bad)).toThrow();
  });
});
