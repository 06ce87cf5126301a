// `npm run test:load [-- --minutes=10 --rate=50]`: the plane at its rated load for a sustained run,
// memory, CPU and consumer backlog sampled every 10 s; fails when memory or the backlog keeps growing,
// or the backlog does not drain afterwards. Prints the samples and a summary (docs/benchmarks.md).
import { runLoad, unboundedGrowth } from './load.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const minutes = Number(args.get('minutes') ?? 10);
const rate = Number(args.get('rate') ?? 50);
const started = Date.now();
const log = (line: string): void => {
  process.stdout.write(`[load ${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);
};

log(`${rate} jobs/s (an admission and 4 events each) for ${minutes} min`);
const report = await runLoad({ jobsPerSecond: rate, seconds: minutes * 60, log });
const peak = Math.max(...report.samples.map((s) => s.totalRss));
const cpu = report.samples.map((s) => s.cpuCores).sort((a, b) => a - b);
log(
  `summary: ${report.eventsPerSecond.toFixed(0)} events/s acknowledged; peak RSS of all services ` +
    `${(peak / 2 ** 20).toFixed(0)} MiB (target < 1024 MiB); median CPU ${cpu[cpu.length >> 1]?.toFixed(2)} cores; ` +
    `backlog drained in ${report.drainMs === undefined ? 'never' : `${report.drainMs} ms`}`,
);
const problems = unboundedGrowth(report);
if (peak >= 2 ** 30)
  problems.push(`all services together used ${(peak / 2 ** 20).toFixed(0)} MiB (target < 1 GiB)`);
for (const p of problems) log(`FAILED: ${p}`);
if (problems.length === 0) log('PASSED: no growth without bound');
process.exitCode = problems.length === 0 ? 0 : 1;
