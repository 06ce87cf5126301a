// Failed-exchange limits: per key prefix (guessing one key's secret) and per client address (spraying
// many keys). Fixed windows keep the bookkeeping to one row per bucket and window.
export const FAILURE_WINDOW_MS = 5 * 60_000;
export const MAX_FAILURES_PER_PREFIX = 10;
export const MAX_FAILURES_PER_ADDRESS = 30;

export function windowStart(now: number): Date {
  return new Date(Math.floor(now / FAILURE_WINDOW_MS) * FAILURE_WINDOW_MS);
}

/** Seconds until the current window ends (the Retry-After of a 429). */
export function retryAfterSeconds(now: number): number {
  return Math.max(1, Math.ceil((windowStart(now).getTime() + FAILURE_WINDOW_MS - now) / 1000));
}
