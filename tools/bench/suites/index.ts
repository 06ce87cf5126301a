// Every benchmark suite: each `*.ts` file here (other than specs and helpers) that exports a BenchSuite
// is found at run time, so a new benchmark is one file. Raw baselines run first, then the rest by file
// name; results that compare with a baseline set `baselineId`.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchSuite } from '../context.js';

const HERE = dirname(fileURLToPath(import.meta.url));

function isSuite(value: unknown): value is BenchSuite {
  const v = value as Partial<BenchSuite> | null;
  return !!v && typeof v.id === 'string' && typeof v.section === 'string' && typeof v.run === 'function';
}

export async function loadSuites(dir: string = HERE): Promise<BenchSuite[]> {
  const files = readdirSync(dir)
    .filter((f) => /\.ts$/.test(f) && !/\.spec\.ts$/.test(f) && f !== 'index.ts')
    .sort();
  const suites: BenchSuite[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(`${dir}/${file}`).href)) as Record<string, unknown>;
    suites.push(...Object.values(module).filter(isSuite));
  }
  const rank = (s: BenchSuite): number => (s.section === 'Raw baselines' ? 0 : 1);
  return suites.sort((a, b) => rank(a) - rank(b));
}
