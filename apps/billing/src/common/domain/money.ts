// Money is integer micro-units of USD (1 USD = 1,000,000 micros) carried as bigint, never as a float.
// The API speaks decimal strings ("3.00", "0.004500"); this module is the only place they are parsed
// and printed, and the only place a quotient is rounded (half up, i.e. halves away from zero).

/** An amount of micro-USD. */
export type Micros = bigint;

export const MICROS_PER_USD = 1_000_000n;

/** Most digits before the point a decimal amount may have (USD 999,999,999,999.999999). */
const MAX_INTEGER_DIGITS = 12;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export class DecimalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecimalError';
  }
}

/**
 * "3.00" → 3_000_000n. A non-negative decimal with at most `maxDecimals` (default 6) fraction digits;
 * throws DecimalError saying what is wrong otherwise (no exponent, sign or spaces).
 */
export function parseUsd(text: string, maxDecimals = 6): Micros {
  const m = DECIMAL.exec(text);
  if (!m) throw new DecimalError(`must be a non-negative decimal string such as "3.00" (got ${clip(text)})`);
  const [, whole, fraction = ''] = m;
  if (whole!.replace(/^0+(?=\d)/, '').length > MAX_INTEGER_DIGITS)
    throw new DecimalError(`must be less than 10^${MAX_INTEGER_DIGITS}`);
  if (fraction.length > maxDecimals) throw new DecimalError(`must have at most ${maxDecimals} decimals`);
  return BigInt(whole!) * MICROS_PER_USD + BigInt(fraction.padEnd(6, '0'));
}

/** 4_500n → "0.004500"; -1_500_000n → "-1.500000" (always six decimals: exact, no rounding). */
export function formatUsd(micros: Micros): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const text = `${abs / MICROS_PER_USD}.${(abs % MICROS_PER_USD).toString().padStart(6, '0')}`;
  return negative ? `-${text}` : text;
}

/** n / d rounded to the nearest integer, halves away from zero (d > 0). */
export function divideRoundHalfUp(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  const negative = n < 0n;
  const abs = negative ? -n : n;
  // floor((|n| + floor(d/2)) / d): a remainder of at least half of d rounds up.
  const q = (abs + d / 2n) / d;
  return negative ? -q : q;
}

/** Thousandths as a decimal string with three decimals: 3_600_000n → "3600.000". */
export function formatThousandths(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const text = `${abs / 1000n}.${(abs % 1000n).toString().padStart(3, '0')}`;
  return negative ? `-${text}` : text;
}

function clip(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return JSON.stringify(shown);
}
