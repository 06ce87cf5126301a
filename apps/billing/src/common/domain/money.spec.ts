import { describe, expect, it } from '@jest/globals';
import { DecimalError, divideRoundHalfUp, formatThousandths, formatUsd, parseUsd } from './money.js';

describe('money in micro-USD', () => {
  it.each([
    ['3.00', 3_000_000n],
    ['0.30', 300_000n],
    ['0.000001', 1n],
    ['15', 15_000_000n],
    ['999999999999.999999', 999_999_999_999_999_999n],
  ])('should parse %s exactly when it has at most six decimals', (text, micros) => {
    expect(parseUsd(text)).toBe(micros);
  });

  it.each(['-1', '1.0000001', '1e3', ' 1', '', '1.', '.5', '1000000000000', 'NaN'])(
    'should refuse %p with a reason when it is not a plain non-negative decimal',
    (text) => {
      expect(() => parseUsd(text)).toThrow(DecimalError);
    },
  );

  it('should print six decimals without rounding when formatting micro-USD, negatives included', () => {
    expect(formatUsd(4_500n)).toBe('0.004500');
    expect(formatUsd(3_000_000n)).toBe('3.000000');
    expect(formatUsd(-1_500_000n)).toBe('-1.500000');
    expect(formatUsd(0n)).toBe('0.000000');
    expect(formatThousandths(3_600_000n)).toBe('3600.000');
    expect(formatThousandths(-5n)).toBe('-0.005');
  });

  it('should round halves away from zero when dividing', () => {
    expect(divideRoundHalfUp(5n, 10n)).toBe(1n);
    expect(divideRoundHalfUp(4n, 10n)).toBe(0n);
    expect(divideRoundHalfUp(15n, 10n)).toBe(2n);
    expect(divideRoundHalfUp(-15n, 10n)).toBe(-2n);
    expect(divideRoundHalfUp(7n, 3n)).toBe(2n);
    expect(divideRoundHalfUp(8n, 3n)).toBe(3n);
    expect(divideRoundHalfUp(1_500_000n, 1_000_000n)).toBe(2n);
    expect(() => divideRoundHalfUp(1n, 0n)).toThrow(RangeError);
  });
});
