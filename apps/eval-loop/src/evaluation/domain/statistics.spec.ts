import { describe, expect, it } from '@jest/globals';
import { normalCdf, percentiles, twoProportionTest, wilsonInterval } from './statistics.js';

describe('wilsonInterval', () => {
  it('should match the textbook value for 317 of 412', () => {
    // p = 0.7694; Wilson 95%: 0.7264 .. 0.8075 (computed independently with the closed form).
    const { low, high } = wilsonInterval(317, 412);
    expect(low).toBeCloseTo(0.7264, 3);
    expect(high).toBeCloseTo(0.8075, 3);
  });

  it('should stay inside [0, 1] at 0% and 100%', () => {
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 3);
    expect(wilsonInterval(10, 10).high).toBe(1);
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 3);
  });

  it('should say nothing (0..1) without runs and refuse impossible counts', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    expect(() => wilsonInterval(5, 3)).toThrow(RangeError);
  });

  it('should narrow as the sample grows', () => {
    const small = wilsonInterval(8, 10);
    const large = wilsonInterval(800, 1000);
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
  });
});

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [1.959963984540054, 0.975],
    [-1.959963984540054, 0.025],
    [3, 0.99865],
  ])('should give Φ(%d) ≈ %d', (x, expected) => {
    expect(normalCdf(x)).toBeCloseTo(expected, 4);
  });
});

describe('twoProportionTest', () => {
  it('should find a clear difference significant', () => {
    // 60% vs 75% with 400 runs each: z ≈ 4.55, p ≈ 5e-6.
    const t = twoProportionTest(240, 400, 300, 400);
    expect(t.difference).toBeCloseTo(0.15, 10);
    expect(t.z).toBeCloseTo(4.55, 1);
    expect(t.pValue).toBeLessThan(0.0001);
  });

  it('should not find a small difference on small samples significant', () => {
    const t = twoProportionTest(6, 10, 7, 10);
    expect(t.pValue).toBeGreaterThan(0.5);
  });

  it('should answer p = 1 when undefined', () => {
    expect(twoProportionTest(0, 0, 5, 10).pValue).toBe(1);
    expect(twoProportionTest(10, 10, 10, 10).pValue).toBe(1);
  });
});

describe('percentiles', () => {
  it('should interpolate between ranks', () => {
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    const [p50, p90, p99] = percentiles(values, [50, 90, 99]);
    expect(p50).toBeCloseTo(55, 9);
    expect(p90).toBeCloseTo(91, 9);
    expect(p99).toBeCloseTo(99.1, 9);
  });

  it('should handle one value and none', () => {
    expect(percentiles([7], [50, 99])).toEqual([7, 7]);
    expect(percentiles([], [50])[0]).toBeNaN();
  });

  it('should not depend on input order', () => {
    expect(percentiles([3, 1, 2], [50])).toEqual([2]);
  });
});
