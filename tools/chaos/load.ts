// The whole plane at a steady load: the chaos plane (private NATS and PostgreSQL, the five services'
// production bundles) under the chaos workload for a while, sampling every service's memory and CPU
// and the JetStream consumers' backlog, then draining. Used by `npm run test:load` (10 minutes, with a
// verdict) and by the `plane` benchmark suite (a minute, figures only).
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ChaosPlane, chaosWorkDir } from './chaos-plane.js';
import { tenant, token } from './setup.js';
import { Workload } from './workload.js';

export interface LoadSample {
  /** Seconds since the workload started. */
  at: number;
  /** Resident memory per service and in all (bytes). */
  rss: Record<string, number>;
  totalRss: number;
  /** CPU used by all services since the previous sample, in cores (1 = one core busy). */
  cpuCores: number;
  /** Messages delivered but not yet acknowledged, or not yet delivered, over every durable consumer. */
  backlog: number;
  eventsAcknowledged: number;
}

export interface LoadReport {
  jobsPerSecond: number;
  seconds: number;
  samples: LoadSample[];
  /** Events acknowledged per second over the run. */
  eventsPerSecond: number;
  /** How long the backlog took to drain after the workload stopped (ms), or undefined if it did not. */
  drainMs: number | undefined;
}

export interface LoadOptions {
  jobsPerSecond: number;
  seconds: number;
  sampleEveryMs?: number;
  log(line: string): void;
}

async function backlog(natsUrl: string): Promise<number> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    let total = 0;
    for await (const stream of jsm.streams.list()) {
      if (stream.config.name === 'MP_DLQ') continue;
      for await (const c of jsm.consumers.list(stream.config.name))
        total += c.num_pending + c.num_ack_pending;
    }
    return total;
  } finally {
    await nc.close();
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const dir = chaosWorkDir('auraison-load-');
  const plane = new ChaosPlane({ dir, log: (line) => options.log(line) });
  let workload: Workload | undefined;
  try {
    options.log('starting a private NATS, PostgreSQL and the five services');
    await plane.start();
    const admin = await token(plane, plane.adminKey);
    const tenants = [await tenant(plane, admin, 'load-a'), await tenant(plane, admin, 'load-b')];
    workload = new Workload({
      natsUrl: plane.natsUrl,
      policyUrl: plane.url('policy-engine'),
      tenants,
      jobsPerSecond: options.jobsPerSecond,
      // A job takes about 2.5 s end to end (admission, four acknowledged publishes): enough workers for the rate.
      concurrency: Math.max(4, Math.ceil(options.jobsPerSecond * 4)),
    });
    const samples: LoadSample[] = [];
    const began = Date.now();
    let previousCpu = Object.values(plane.usage()).reduce((a, u) => a + u.cpuSeconds, 0);
    let previousAt = began;
    await workload.start();
    const every = options.sampleEveryMs ?? 10_000;
    while (Date.now() - began < options.seconds * 1000) {
      await sleep(Math.min(every, options.seconds * 1000 - (Date.now() - began)));
      const usage = plane.usage();
      const cpu = Object.values(usage).reduce((a, u) => a + u.cpuSeconds, 0);
      const now = Date.now();
      const rss = Object.fromEntries(Object.entries(usage).map(([app, u]) => [app, u.rss]));
      const t = workload.truth;
      const sample: LoadSample = {
        at: (now - began) / 1000,
        rss,
        totalRss: Object.values(rss).reduce((a, b) => a + b, 0),
        cpuCores: (cpu - previousCpu) / ((now - previousAt) / 1000),
        backlog: await backlog(plane.natsUrl),
        eventsAcknowledged: t.agentEvents + t.executionEvents,
      };
      previousCpu = cpu;
      previousAt = now;
      samples.push(sample);
      options.log(
        `${sample.at.toFixed(0)} s: ${sample.eventsAcknowledged} events, backlog ${sample.backlog}, ` +
          `RSS ${(sample.totalRss / 2 ** 20).toFixed(0)} MiB, CPU ${sample.cpuCores.toFixed(2)} cores`,
      );
    }
    await workload.stop();
    const seconds = (Date.now() - began) / 1000;
    const t = workload.truth;
    const stoppedAt = Date.now();
    let drainMs: number | undefined;
    while (Date.now() - stoppedAt < 120_000) {
      if ((await backlog(plane.natsUrl)) === 0) {
        drainMs = Date.now() - stoppedAt;
        break;
      }
      await sleep(500);
    }
    return {
      jobsPerSecond: options.jobsPerSecond,
      seconds,
      samples,
      eventsPerSecond: (t.agentEvents + t.executionEvents) / seconds,
      drainMs,
    };
  } finally {
    await workload?.stop().catch(() => {});
    await plane.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What "no growth without bound" means here: the verdicts of a long run, empty when it passes. */
export function unboundedGrowth(report: LoadReport, limits = { rssGrowth: 0.25, backlog: 2000 }): string[] {
  const problems: string[] = [];
  const n = report.samples.length;
  if (n < 6) return [`only ${n} samples: run longer to judge growth`];
  const third = Math.floor(n / 3);
  const middle = report.samples.slice(third, 2 * third);
  const last = report.samples.slice(2 * third);
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
  for (const app of Object.keys(report.samples[n - 1]!.rss)) {
    const before = med(middle.map((s) => s.rss[app] ?? 0));
    const after = med(last.map((s) => s.rss[app] ?? 0));
    if (before > 0 && after > before * (1 + limits.rssGrowth))
      problems.push(
        `${app}: memory grew from ${(before / 2 ** 20).toFixed(0)} MiB to ${(after / 2 ** 20).toFixed(0)} MiB between the middle and the last third`,
      );
  }
  const lastBacklog = med(last.map((s) => s.backlog));
  if (lastBacklog > limits.backlog)
    problems.push(`the consumers fell behind: median backlog ${lastBacklog} in the last third`);
  if (report.drainMs === undefined)
    problems.push('the backlog did not drain within 120 s after the workload stopped');
  return problems;
}
