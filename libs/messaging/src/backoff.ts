// Delays between attempts: a schedule indexed by attempt (the last entry repeats), with jitter so
// replicas that failed together do not retry in lockstep.

/** Nak delays by delivery count: 1 s, 2 s, 5 s, 10 s, 30 s, then every 60 s. */
export const DEFAULT_REDELIVERY_BACKOFF_MS: readonly number[] = [1000, 2000, 5000, 10_000, 30_000, 60_000];

/** The delay after failed attempt `attempt` (1-based); the last entry repeats. */
export function scheduleDelay(schedule: readonly number[], attempt: number): number {
  if (schedule.length === 0) return 0;
  const index = Math.min(Math.max(attempt, 1), schedule.length) - 1;
  return schedule[index]!;
}

/** Exponential delay (base·2^(attempt-1), capped) with ±20% jitter. */
export function exponentialDelay(attempt: number, baseMs: number, maxMs: number): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
