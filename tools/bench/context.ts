// What a benchmark suite receives: connection settings of the isolated resources, the payloads,
// repeat counts, progress logging and a cleanup stack that runs even when a suite fails.
import type { BenchPayloads } from './payload.js';
import type { BenchResult } from './report.js';

export interface BenchContext {
  quick: boolean;
  /** Random suffix of this run's database, streams and subjects. */
  runId: string;
  natsUrl: string;
  /** URL of the dedicated database created for this run (dropped afterwards). */
  databaseUrl: string;
  payloads: BenchPayloads;
  /** `full` normally, `quick` under --quick: message counts, durations. */
  size<T>(full: T, quick: T): T;
  /** Repeat count: `--runs` if given, else `full` or (under --quick) 2. */
  runs(full: number): number;
  log(message: string): void;
  /** Runs `fn` `count` times, logging "<label>: run k of n" and `describe(result)` after each. */
  repeat<T>(
    label: string,
    count: number,
    fn: (run: number) => Promise<T>,
    describe?: (result: T) => string,
  ): Promise<T[]>;
  /** Registers cleanup that runs at exit, newest first, even after a failure or Ctrl-C. */
  defer(cleanup: () => void | Promise<void>): void;
}

export interface BenchSuite {
  /** Used by `--only`. */
  id: string;
  title: string;
  /** Report heading the results go under (e.g. "Raw baselines"). */
  section: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 8);
}
