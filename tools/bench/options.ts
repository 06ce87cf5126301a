// Command-line options of `npm run bench`.
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Fewer and shorter runs: a smoke test, not figures to publish. */
  quick: boolean;
  /** Suite ids to run; undefined runs them all. */
  only?: string[];
  /** Overrides every suite's repeat count. */
  runs?: number;
  /** Write docs/benchmarks.{md,json} even for a partial (--quick / --only) run. */
  write: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [--quick] [--only <suite,...>] [--runs <n>] [--write]

  --quick        fewer, shorter runs (smoke test)
  --only <ids>   run only these suites (comma-separated)
  --runs <n>     repeat every benchmark n times
  --write        also rewrite docs/benchmarks.{md,json} after a --quick or --only run
                 (a full run always rewrites them)`;

export function parseBenchArgs(argv: readonly string[], knownSuites: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      runs: { type: 'string' },
      write: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const options: BenchOptions = { quick: values.quick, write: values.write, help: values.help };
  if (values.only !== undefined) {
    const ids = values.only
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const unknown = ids.filter((id) => !knownSuites.includes(id));
    if (ids.length === 0 || unknown.length > 0) {
      throw new Error(
        `--only: unknown suite ${JSON.stringify(unknown.join(','))}; known: ${knownSuites.join(', ')}`,
      );
    }
    options.only = ids;
  }
  if (values.runs !== undefined) {
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1)
      throw new Error(`--runs must be a positive integer, got ${values.runs}`);
    options.runs = runs;
  }
  return options;
}

/** A partial run must not overwrite the published figures unless asked to. */
export function shouldWriteDocs(options: BenchOptions): boolean {
  return options.write || (!options.quick && options.only === undefined);
}
