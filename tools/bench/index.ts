// `npm run bench`: runs every benchmark suite against isolated resources (a fresh database and
// per-run stream names on the shared servers), prints progress, and rewrites docs/benchmarks.{md,json}.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { randomSuffix, type BenchContext, type BenchSuite } from './context.js';
import {
  createBenchDatabase,
  DEFAULT_DATABASE_URL,
  DEFAULT_NATS_URL,
  describeEnvironment,
  loadAverage,
  probeNats,
  redactUrl,
} from './environment.js';
import { parseBenchArgs, shouldWriteDocs, USAGE, type BenchOptions } from './options.js';
import { loadPayloads, type BenchPayloads } from './payload.js';
import {
  renderJson,
  renderMarkdown,
  renderSectionTable,
  summarize,
  type BenchReport,
  type BenchResult,
  type ReportSection,
} from './report.js';
import { loadSuites } from './suites/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const QUICK_RUNS = 2;

type Cleanup = () => void | Promise<void>;

/** LIFO cleanup stacks: one for the whole run, one per suite (emptied when the suite ends). */
class CleanupStack {
  private readonly items: Cleanup[] = [];

  push(item: Cleanup): void {
    this.items.push(item);
  }

  async run(): Promise<void> {
    for (let item = this.items.pop(); item !== undefined; item = this.items.pop()) {
      try {
        await item();
      } catch (e) {
        console.warn(`bench: cleanup failed: ${(e as Error).message}`);
      }
    }
  }
}

function log(message: string): void {
  console.log(message);
}

function suiteContext(
  options: BenchOptions,
  shared: { runId: string; natsUrl: string; databaseUrl: string; payloads: BenchPayloads },
  cleanup: CleanupStack,
): BenchContext {
  return {
    ...shared,
    quick: options.quick,
    size: <T>(full: T, quick: T): T => (options.quick ? quick : full),
    runs: (full: number) => options.runs ?? (options.quick ? Math.min(QUICK_RUNS, full) : full),
    log: (message) => log(`  ${message}`),
    defer: (item) => cleanup.push(item),
    async repeat<T>(
      label: string,
      count: number,
      fn: (run: number) => Promise<T>,
      describe?: (r: T) => string,
    ) {
      const results: T[] = [];
      for (let run = 1; run <= count; run++) {
        const started = performance.now();
        const result = await fn(run);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        log(
          `  ${label}: run ${run} of ${count} (${seconds} s)${describe === undefined ? '' : `: ${describe(result)}`}`,
        );
        results.push(result);
      }
      return results;
    },
  };
}

function addResults(sections: ReportSection[], suite: BenchSuite, results: BenchResult[]): void {
  let section = sections.find((s) => s.title === suite.section);
  if (section === undefined) {
    section = { title: suite.section, results: [] };
    sections.push(section);
  }
  section.results.push(...results);
}

async function main(argv: string[]): Promise<void> {
  const SUITES = await loadSuites();
  const options = parseBenchArgs(
    argv,
    SUITES.map((s) => s.id),
  );
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const suites = options.only === undefined ? SUITES : SUITES.filter((s) => options.only?.includes(s.id));
  const adminUrl = process.env['DATABASE_URL'] || DEFAULT_DATABASE_URL;
  const natsUrl = process.env['NATS_URL'] || DEFAULT_NATS_URL;
  const runId = randomSuffix();

  const global = new CleanupStack();
  let current: CleanupStack | undefined;
  const cleanUpAll = async (): Promise<void> => {
    await current?.run();
    await global.run();
  };
  // Stays registered while cleaning up: Ctrl-C reaches npm and this process, and may arrive twice.
  // (The npm script runs node with `--import tsx`, not the tsx CLI, whose parent process SIGKILLs a
  // child slow to acknowledge a signal, i.e. mid-cleanup on a busy machine.)
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    log(`\nbench: ${signal}, cleaning up`);
    setTimeout(() => process.exit(130), 20_000).unref();
    void cleanUpAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    log(
      `bench ${runId}: NATS ${redactUrl(natsUrl)}, PostgreSQL ${redactUrl(adminUrl)}${options.quick ? ' (quick)' : ''}`,
    );
    const loadAtStart = loadAverage();
    const cores = availableParallelism();
    if (loadAtStart > cores / 2) {
      console.warn(
        `bench: load average ${loadAtStart.toFixed(2)} on ${cores} cores: other work will skew the figures`,
      );
    }
    const natsVersion = await probeNats(natsUrl);
    const db = await createBenchDatabase(adminUrl, `mp_bench_${runId}`);
    global.push(async () => {
      await db.drop();
      log(`bench: dropped database mp_bench_${runId}`);
    });
    const payloads = await loadPayloads();
    const notes: string[] = [];
    if (options.quick)
      notes.push(
        'Quick mode (`--quick`): fewer and shorter runs, a smoke test rather than figures to quote.',
      );
    if (payloads.fallbackReason !== undefined) {
      const note = `Payload fallback: @auraison/contracts did not load (${payloads.fallbackReason}), so messages carry the same AgentEvent as ${payloads.message.length} B of JSON.`;
      console.warn(`bench: ${note}`);
      notes.push(note);
    }
    log(`bench: payload ${payloads.description}; nats-server ${natsVersion}; PostgreSQL ${db.serverVersion}`);

    const shared = { runId, natsUrl, databaseUrl: db.url, payloads };
    const sections: ReportSection[] = [];
    for (const [index, suite] of suites.entries()) {
      log(`\n[${index + 1}/${suites.length}] ${suite.title} (${suite.id})`);
      const started = performance.now();
      current = new CleanupStack();
      try {
        addResults(sections, suite, await suite.run(suiteContext(options, shared, current)));
      } finally {
        await current.run();
        current = undefined;
      }
      log(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }

    const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
    const report: BenchReport = {
      command,
      environment: describeEnvironment(natsVersion, db.serverVersion, loadAtStart),
      notes,
      sections,
    };
    const titles = new Map(sections.flatMap((s) => s.results.map((r) => [r.id, r.title] as const)));
    for (const { section, rows } of summarize(sections))
      log(`\n## ${section.title}\n${renderSectionTable(rows, titles)}`);
    if (shouldWriteDocs(options)) {
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      writeFileSync(join(ROOT, 'docs/benchmarks.md'), renderMarkdown(report));
      // Through prettier with the repository's settings, so `npm run format:check` stays green.
      const jsonPath = join(ROOT, 'docs/benchmarks.json');
      const prettierOptions = (await resolveConfig(jsonPath)) ?? {};
      writeFileSync(jsonPath, await format(renderJson(report), { ...prettierOptions, parser: 'json' }));
      log('\nbench: wrote docs/benchmarks.md and docs/benchmarks.json');
    } else {
      log(
        '\nbench: partial run (--quick / --only): docs/benchmarks.* left unchanged (add --write to overwrite)',
      );
    }
  } finally {
    await cleanUpAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`\nbench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
