// Quota arithmetic in integers: GPU time in GPU-milliseconds, tokens as counts. The tenant registry
// gives GPU-hours with at most three decimals, so GPU-hours x 3 600 000 is an exact integer.

export const MS_PER_HOUR = 3_600_000;

/** GPU-hours (at most three decimals) as GPU-milliseconds, exactly. */
export function gpuHoursToMs(hours: number): number {
  // Round at the thousandth first: 0.1 * 3_600_000 is not an integer in floating point.
  return Math.round(hours * 1000) * (MS_PER_HOUR / 1000);
}

/** GPU-milliseconds as GPU-hours (for answers only; never stored). */
export function msToGpuHours(ms: number): number {
  return Math.round((ms / MS_PER_HOUR) * 1e6) / 1e6;
}

/** GPU seconds as reported by an ExecutionEvent (a double) as whole GPU-milliseconds. */
export function gpuSecondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

/** What a job holds while it may run: GPUs x maximum duration. */
export function reservedGpuMs(gpuCount: number, maxDurationS: number): number {
  return gpuCount * maxDurationS * 1000;
}
