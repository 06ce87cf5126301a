// `npm run test:chaos`: the plane under a steady workload while every service is SIGKILLed and
// restarted, NATS restarts and PostgreSQL stops for 20 s; then the observability store, billing and the
// policy engine must agree exactly with what was acknowledged: every event stored once, every chain
// verifying, every billable event billed once, every reservation settled and GPU usage exact.
// Options: --rate=<jobs/s> (default 8), --pg-down=<s> (default 20), --keep (keep the work directory).
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { ChaosPlane, chaosWorkDir, SERVICES } from './chaos-plane.js';
import { compare, type PlaneCounts } from './verify.js';
import { api, tenant, token } from './setup.js';
import { Workload, type Tenant } from './workload.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const RATE = Number(args.get('rate') ?? 8);
const PG_DOWN_S = Number(args.get('pg-down') ?? 20);
const started = Date.now();
const say = (line: string): void => {
  process.stdout.write(`[chaos ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
};

async function counts(plane: ChaosPlane, tenants: readonly Tenant[], admin: string): Promise<PlaneCounts> {
  const db = new pg.Client({ connectionString: plane.databaseUrl });
  await db.connect();
  const ids = tenants.map((t) => t.id);
  try {
    const stored = await db.query<{ tenant_id: string; event_id: string }>(
      `SELECT tenant_id, event_id FROM observability.events WHERE tenant_id = ANY($1::uuid[])`,
      [ids],
    );
    const lines = await db.query<{ n: string; distinct_n: string }>(
      `SELECT count(*) AS n, count(DISTINCT (source, event_id)) AS distinct_n FROM billing.usage_lines WHERE tenant_id = ANY($1::uuid[])`,
      [ids],
    );
    const totals = await db.query<{ n: string | null }>(
      `SELECT sum(events) AS n FROM billing.usage_totals WHERE tenant_id = ANY($1::uuid[]) AND dimension = 'tenant'`,
      [ids],
    );
    const reservations = await db.query<{ tenant_id: string; status: string; n: string }>(
      `SELECT tenant_id, status, count(*) AS n FROM policy.reservations WHERE tenant_id = ANY($1::uuid[]) GROUP BY 1, 2`,
      [ids],
    );
    const usage = await db.query<{ tenant_id: string; gpu_ms: string }>(
      `SELECT tenant_id, sum(gpu_ms_used) AS gpu_ms FROM policy.usage WHERE tenant_id = ANY($1::uuid[]) GROUP BY 1`,
      [ids],
    );
    const chains: PlaneCounts['chains'] = [];
    for (const t of tenants) {
      const v = await api<{ rows_verified: number; first_broken_link: unknown }>(
        `${plane.url('observability-store')}/api/v1/audit/verify?tenant_id=${t.id}`,
        { token: admin },
      );
      chains.push({ tenantId: t.id, rowsVerified: v.rows_verified, broken: v.first_broken_link !== null });
    }
    const nc = await connect({ servers: plane.natsUrl });
    let deadLetters = 0;
    try {
      const info = await (await jetstreamManager(nc)).streams.info('MP_DLQ');
      deadLetters = info.state.messages;
    } finally {
      await nc.close();
    }
    return {
      storedEvents: stored.rows.map((r) => ({ tenantId: r.tenant_id, eventId: r.event_id })),
      usageLines: Number(lines.rows[0]!.n),
      distinctUsageLines: Number(lines.rows[0]!.distinct_n),
      billedEvents: Number(totals.rows[0]?.n ?? 0),
      reservations: reservations.rows.map((r) => ({
        tenantId: r.tenant_id,
        status: r.status,
        count: Number(r.n),
      })),
      gpuMsUsed: new Map(usage.rows.map((r) => [r.tenant_id, Number(r.gpu_ms)])),
      chains,
      deadLetters,
    };
  } finally {
    await db.end();
  }
}

async function main(): Promise<number> {
  const dir = chaosWorkDir('auraison-chaos-');
  const plane = new ChaosPlane({ dir, log: (line) => say(line) });
  let workload: Workload | undefined;
  try {
    say(`starting a private NATS, PostgreSQL and the five services (work directory ${dir})`);
    await plane.start();
    const admin = await token(plane, plane.adminKey);
    const tenants = [await tenant(plane, admin, 'chaos-a'), await tenant(plane, admin, 'chaos-b')];
    say(`workload: ${RATE} jobs/s (an admission and 4 events each) for two tenants`);
    workload = new Workload({
      natsUrl: plane.natsUrl,
      policyUrl: plane.url('policy-engine'),
      tenants,
      jobsPerSecond: RATE,
      concurrency: Math.max(4, RATE * 2),
    });
    await workload.start();
    const progress = setInterval(() => {
      const t = workload!.truth;
      say(
        `  ${workload!.jobsStarted} jobs started, ${t.agentEvents + t.executionEvents} events acknowledged, ${t.retries} retries`,
      );
    }, 10_000);
    try {
      await sleep(5000);
      for (const app of SERVICES) {
        say(`SIGKILL ${app}, restart`);
        await plane.killAndRestart(app);
        await sleep(3000);
      }
      say('restarting NATS');
      await plane.restartNats();
      await sleep(5000);
      say(`stopping PostgreSQL for ${PG_DOWN_S} s`);
      await plane.stopPostgres(PG_DOWN_S * 1000);
      say('PostgreSQL is back');
      await sleep(8000);
    } finally {
      clearInterval(progress);
    }
    say('stopping the workload (jobs in flight finish)');
    await workload.stop();
    const truth = workload.truth;
    say(
      `ground truth: ${truth.agentEvents} agent and ${truth.executionEvents} execution events acknowledged, ` +
        `${[...truth.admitted.values()].reduce((a, b) => a + b, 0)} jobs admitted, ${truth.rejected} refused, ${truth.retries} retries`,
    );
    // Convergence: the consumers drain what piled up during the faults.
    const deadline = Date.now() + 180_000;
    let problems: string[] = [];
    for (;;) {
      problems = compare(truth, await counts(plane, tenants, admin));
      if (problems.length === 0 || Date.now() > deadline) break;
      await sleep(2000);
    }
    if (problems.length > 0) {
      say('FAILED: the plane does not agree with the ground truth:');
      for (const p of problems) say(`  - ${p}`);
      for (const app of SERVICES) say(`last output of ${app}:\n${plane.tail(app, 15)}`);
      return 1;
    }
    say('PASSED: store, billing and policy agree exactly with what was acknowledged; chains verify; no DLQ');
    return 0;
  } catch (err) {
    say(`FAILED: ${(err as Error).stack ?? String(err)}`);
    return 1;
  } finally {
    await workload?.stop().catch(() => {});
    await plane.stop().catch(() => {});
    if (!args.has('keep')) rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
