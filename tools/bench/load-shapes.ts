// Load shapes shared by the suites that drive a server: an open loop at a fixed rate, each call timed
// from its scheduled start (so a stalled client or server counts against the latency, no coordinated
// omission).
import { percentileOfSorted } from './report.js';

export interface LoadFigures {
  callsPerSecond: number;
  p50: number;
  p99: number;
}

export function loadFigures(latencies: number[], calls: number, seconds: number): LoadFigures {
  const sorted = Float64Array.from(latencies).sort();
  return {
    callsPerSecond: calls / seconds,
    p50: percentileOfSorted(sorted, 50),
    p99: percentileOfSorted(sorted, 99),
  };
}

/** Calls started at a fixed rate (open loop) for `durationMs`, each timed from its scheduled start. */
export async function fixedRate(
  durationMs: number,
  perSecond: number,
  call: (i: number) => Promise<unknown>,
): Promise<LoadFigures> {
  const latencies: number[] = [];
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < durationMs) {
    const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
    for (; sent < due; sent++) {
      const scheduled = start + (sent / perSecond) * 1000;
      pending.push(
        call(sent).then(() => {
          latencies.push(performance.now() - scheduled);
        }),
      );
    }
    // Sleep between batches rather than spin: the server under test shares the two cores.
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  return loadFigures(latencies, sent, durationMs / 1000);
}
