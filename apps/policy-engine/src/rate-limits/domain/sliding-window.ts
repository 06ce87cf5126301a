// Cluster-wide rate limits with a sliding-window counter: counts are kept per fixed one-minute window
// (rows in PostgreSQL shared by every replica), and the rate over the last 60 s is estimated as the
// current window's count plus the previous window's count weighted by how much of it is still inside
// the last 60 s. Memory O(1) per key, exact at window boundaries, and smooth in between.

export const WINDOW_MS = 60_000;

export type RateKind = 'invocations' | 'admissions' | 'tokens';

/** Start of the one-minute window containing `at`. */
export function windowStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / WINDOW_MS) * WINDOW_MS);
}

/** Estimated amount over the 60 s ending at `now`. */
export function slidingEstimate(previous: number, current: number, now: Date): number {
  const elapsed = (now.getTime() % WINDOW_MS) / WINDOW_MS;
  return previous * (1 - elapsed) + current;
}

/**
 * How much the current window may reach so that the estimate stays within `limit`: the previous
 * window's weighted share is fixed once that window has ended, so this is the limit minus that share.
 */
export function windowCapacity(limit: number, previous: number, now: Date): number {
  const elapsed = (now.getTime() % WINDOW_MS) / WINDOW_MS;
  return Math.floor(limit - previous * (1 - elapsed));
}

/** Seconds until the current window ends (at least 1): a Retry-After hint. */
export function secondsToNextWindow(now: Date): number {
  return Math.max(1, Math.ceil((WINDOW_MS - (now.getTime() % WINDOW_MS)) / 1000));
}
