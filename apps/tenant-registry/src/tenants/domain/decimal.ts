// Quotas with fractions (GPU-hours, CPU cores, GiB) have three decimals. They are never floats in the
// database (numeric columns) nor in arithmetic: the domain carries them as decimal strings and computes
// in integer thousandths (bigint).

/** A non-negative decimal with at most three fraction digits, as a string: "12.5", "0", "3.125". */
export type Decimal3 = string;

const DECIMAL = /^(\d+)(?:\.(\d{1,3}))?$/;

/** True when `value` is finite and has at most three decimals (1e-7 and 0.0005 do not). */
export function hasAtMostThreeDecimals(value: number): boolean {
  return Number.isFinite(value) && Number(value.toFixed(3)) === value;
}

/** The decimal of a JSON number already checked with hasAtMostThreeDecimals. */
export function decimalFromNumber(value: number): Decimal3 {
  return normalizeDecimal(value.toFixed(3));
}

/** Thousandths of a decimal string ("12.5" → 12500n); throws on anything else. */
export function toMilli(value: Decimal3): bigint {
  const m = DECIMAL.exec(value.trim());
  if (!m) throw new Error(`not a decimal with at most three fraction digits: ${value}`);
  return BigInt(m[1]!) * 1000n + BigInt((m[2] ?? '').padEnd(3, '0'));
}

export function fromMilli(milli: bigint): Decimal3 {
  const whole = milli / 1000n;
  const fraction = (milli % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/** "12.500" → "12.5", "4.000" → "4" (what PostgreSQL's numeric(…, 3) prints, made canonical). */
export function normalizeDecimal(value: Decimal3): Decimal3 {
  return fromMilli(toMilli(value));
}

export function decimalToNumber(value: Decimal3): number {
  return Number(value);
}
