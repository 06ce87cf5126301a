// ExecutionEvent.gpu_seconds is a protobuf double. Billing turns it into an exact integer of
// GPU-milliseconds once, at the edge, and never touches the float again:
//  1. the double is read as the shortest decimal that round-trips it (what JSON, JavaScript's
//     String() and Python's repr() print), e.g. 0.1 → "0.1", 1.0005 → "1.0005", 1e21 → "1e+21";
//  2. that decimal is rounded to whole milliseconds, halves up (1.0005 s → 1001 ms, 0.0004 s → 0 ms).
// Step 1 is what the producer meant: the binary value of 1.0005 is 1.000499999999999989..., which a
// naive Math.round(x * 1000) would round down.

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/** GPU-milliseconds of a finite, non-negative number of GPU-seconds; throws RangeError otherwise. */
export function gpuSecondsToMillis(seconds: number): bigint {
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new RangeError(`gpu_seconds must be a finite number >= 0 (got ${seconds})`);
  const m = DECIMAL.exec(String(seconds));
  if (!m) throw new RangeError(`gpu_seconds ${seconds} has no decimal form`);
  const [, whole, fraction = '', exponent = '0'] = m;
  const digits = BigInt(`${whole}${fraction}`);
  // seconds = digits x 10^(exponent - fraction digits); milliseconds = that x 10^3.
  const scale = Number(exponent) - fraction.length + 3;
  if (scale >= 0) return digits * 10n ** BigInt(scale);
  const divisor = 10n ** BigInt(-scale);
  return (digits + divisor / 2n) / divisor;
}
