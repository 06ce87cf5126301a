// The whole plane at its rated load (issue 11): the five services' production bundles on a private NATS
// and PostgreSQL under the chaos workload (tools/chaos) at 50 jobs/s, each one admission over HTTP, one
// AgentEvent and three ExecutionEvents (200 events/s), with every service's memory and CPU sampled
// every 5 s. Target: all services together under 1 GiB RSS. PostgreSQL and NATS are not counted.
import type { BenchContext, BenchSuite } from '../context.js';
import type { BenchResult } from '../report.js';

const RATE = 50;

export const planeSuite: BenchSuite = {
  id: 'plane',
  title: 'The whole plane at rated load',
  section: 'Whole plane (issue 11)',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const { runLoad } = await import('../../chaos/load.js');
    const seconds = ctx.size(90, 20);
    ctx.log(`plane: ${RATE} jobs/s for ${seconds} s`);
    const report = await runLoad({
      jobsPerSecond: RATE,
      seconds,
      sampleEveryMs: 5000,
      log: (l) => ctx.log(`plane: ${l}`),
    });
    // The first sample includes start-up; judge the steady state.
    const steady = report.samples.slice(1);
    const mib = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;
    const conditions = `${RATE} jobs/s = ${RATE * 4} events/s + ${RATE} admissions/s, ${seconds} s, sampled every 5 s`;
    const results: BenchResult[] = [
      {
        id: 'plane-rss-total',
        title: 'RSS of all five services together (target < 1024 MiB)',
        unit: 'MiB',
        samples: steady.map((s) => mib(s.totalRss)),
        conditions,
      },
      {
        id: 'plane-cpu',
        title: 'CPU of all five services together',
        unit: 'cores',
        samples: steady.map((s) => Math.round(s.cpuCores * 100) / 100),
        conditions,
      },
      {
        id: 'plane-events',
        title: 'Events acknowledged by JetStream with the plane consuming them',
        unit: 'events/s',
        samples: [Math.round(report.eventsPerSecond)],
        conditions,
      },
      {
        id: 'plane-backlog',
        title: 'Backlog of every durable consumer (pending + unacknowledged)',
        unit: 'msgs',
        samples: steady.map((s) => s.backlog),
        conditions,
      },
    ];
    for (const app of Object.keys(steady[0]?.rss ?? {}))
      results.push({
        id: `plane-rss-${app}`,
        title: `RSS of ${app}`,
        unit: 'MiB',
        samples: steady.map((s) => mib(s.rss[app] ?? 0)),
        conditions,
      });
    return results;
  },
};
