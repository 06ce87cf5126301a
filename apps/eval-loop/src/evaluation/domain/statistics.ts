// The statistics behind evaluation signals: pure functions, no I/O, unit-tested against known values.

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for a binomial proportion (successes of n). Unlike the normal approximation it
 * stays inside [0, 1] and behaves at small n and at 0% or 100%.
 */
export function wilsonInterval(successes: number, n: number, z: number = Z95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  if (successes < 0 || successes > n) throw new RangeError(`successes ${successes} outside 0..${n}`);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At 0% and 100% the bound is exactly 0 or 1; floating point would leave it a hair inside.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}

/** erfc(|x| / sqrt 2) by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): P(|Z| > |x|). */
function twoSidedTail(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x / Math.SQRT2));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * Math.exp(-(x * x) / 2);
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const tail = twoSidedTail(x) / 2;
  return x >= 0 ? 1 - tail : tail;
}

export interface ProportionTest {
  /** Difference of the proportions (b - a). */
  difference: number;
  z: number;
  /** Two-sided p-value; 1 when the test is undefined (no runs, or no variance). */
  pValue: number;
}

/** Two-proportion z-test (pooled), a = control, b = variant. */
export function twoProportionTest(
  aSuccesses: number,
  aN: number,
  bSuccesses: number,
  bN: number,
): ProportionTest {
  if (aN <= 0 || bN <= 0) return { difference: 0, z: 0, pValue: 1 };
  const pa = aSuccesses / aN;
  const pb = bSuccesses / bN;
  const pooled = (aSuccesses + bSuccesses) / (aN + bN);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / aN + 1 / bN));
  if (se === 0) return { difference: pb - pa, z: 0, pValue: 1 };
  const z = (pb - pa) / se;
  // The tail directly, not 1 - CDF: small p-values keep their digits instead of cancelling out.
  return { difference: pb - pa, z, pValue: Math.min(1, twoSidedTail(z)) };
}

/**
 * Percentile by linear interpolation between closest ranks (the "R-7" / Excel PERCENTILE.INC
 * definition), on values sorted ascending. NaN for no values.
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  if (p >= 100) return sorted[n - 1]!;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function percentiles(values: readonly number[], ps: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => percentileSorted(sorted, p));
}
