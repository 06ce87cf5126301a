// How evaluation time grows with the window (issue 7): the production bundle of eval-loop
// (node apps/eval-loop/dist/main.js, its own database and NATS namespace) evaluates one tenant's window
// of 100k and of 1M events (half AgentEvents, half terminal ExecutionEvents; 4 roles x 2 environments
// x 3 job kinds, an A/B experiment). What is measured is one whole run, as eval-loop reports it:
// reading the window over HTTP in the observability store's response shape (pages of 200, the store's
// maximum), job costs in billing's shape (a period breakdown of 1000 jobs, then 2000 jobs asked one by
// one, the adapter's cap), joining and computing signals and experiment comparisons, and the commit
// (signals, run, alert judgement, summary outbox); each event kind is read as 4 time ranges at once.
// Part 1: the store and billing are stood in by this process (serving generated events), so their own
// query cost is not included: eval-loop's own cost. Part 2: the same windows loaded into the real
// observability store (its production bundle, fed over NATS like in production) and read from it, so
// the store's queries count too; a size whose load would take longer than the budget is left out and
// the largest measured is said. Billing stays stood in; W&B is not configured.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { agentEvent, executionEvent, startTestIssuer, tenantEvent, type TestIssuer } from '@auraison/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import type { BenchContext, BenchSuite } from '../context.js';
import type { BenchResult } from '../report.js';

const ROOT = join(import.meta.dirname, '../../..');
const API_KEY = `mpk_benchbenchbe_${'b'.repeat(43)}`;
const PLATFORM_TENANT = '00000000-0000-4000-8000-0000000000be';
const ROLES = ['notebook', 'cluster', 'wandb', 'lakehouse'];
const ENVIRONMENTS = ['torch.dev.gpu', 'ros.dev.gpu'];
const KINDS = ['lakehouse', 'training', 'etl'];
const WINDOW_MS = 22 * 3_600_000;
const PAGE_MAX = 200;
const BREAKDOWN_MAX = 1000;

/** One tenant's generated window: `jobs` jobs, each an AgentEvent and a terminal ExecutionEvent. */
interface Dataset {
  tenantId: string;
  jobs: number;
  /** Window end: jobs finish during the 22 hours before it. */
  end: number;
}

const jobId = (d: Dataset, j: number): string => `job-${d.tenantId.slice(0, 8)}-${j}`;
const finishedAt = (d: Dataset, j: number): number =>
  d.end - WINDOW_MS + Math.floor((j * WINDOW_MS) / d.jobs);
const durationMs = (j: number): number => 1000 + ((j * 7919) % 600_000);
const failed = (j: number): boolean => (j * 2654435761) % 100 < 18;

function execution(d: Dataset, j: number): Record<string, unknown> {
  const end = finishedAt(d, j);
  const id = `ray-${d.tenantId.slice(0, 8)}-${j}:${failed(j) ? 'FAILED' : 'SUCCEEDED'}:1`;
  return {
    kind: 'execution',
    event_id: id,
    tenant_id: d.tenantId,
    timestamp: new Date(end).toISOString(),
    event: {
      event_id: id,
      timestamp: new Date(end).toISOString(),
      plane: 'user',
      job_id: jobId(d, j),
      environment: ENVIRONMENTS[(j >> 2) % 2],
      ray_job_id: `ray-${j}`,
      status: failed(j) ? 'failed' : 'succeeded',
      gpu_seconds: durationMs(j) / 1000,
      tenant_id: d.tenantId,
      started_at: new Date(end - durationMs(j)).toISOString(),
      ended_at: new Date(end).toISOString(),
      attempt: 1,
      labels: { job_kind: KINDS[(j >> 3) % 3]! },
    },
  };
}

/** An agent dispatched job j this long before it ended (more than any duration: times stay in job order). */
const AGENT_LEAD_MS = 700_000;
const eventTime = (d: Dataset, j: number, kind: string | null): number =>
  finishedAt(d, j) - (kind === 'agent' ? AGENT_LEAD_MS : 0);

/** The first job whose event of `kind` is at or after `t` (event times grow with j). */
function firstJobAt(d: Dataset, kind: string | null, t: number): number {
  let lo = 0;
  let hi = d.jobs;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (eventTime(d, mid, kind) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function agent(d: Dataset, j: number): Record<string, unknown> {
  const at = eventTime(d, j, 'agent');
  const role = ROLES[j % 4]!;
  const experiment =
    role === 'notebook' ? { experiment_id: 'exp-1', variant: (j >> 4) % 2 ? 'b' : 'control' } : {};
  return {
    kind: 'agent',
    event_id: `sess-${j}:msg-${d.tenantId.slice(0, 8)}`,
    tenant_id: d.tenantId,
    timestamp: new Date(at).toISOString(),
    event: {
      event_id: `sess-${j}:msg-${d.tenantId.slice(0, 8)}`,
      timestamp: new Date(at).toISOString(),
      plane: 'control',
      agent_role: role,
      job_id: jobId(d, j),
      session_id: `sess-${j}`,
      tool_calls: [
        {
          tool: 'Bash',
          input: { command: 'kubectl apply -f job.yaml' },
          output: 'created',
          duration_ms: 120,
        },
      ],
      tokens_in: 1200 + (j % 500),
      tokens_out: 300 + (j % 100),
      exit_code: 0,
      tenant_id: d.tenantId,
      model: j % 8 < 6 ? 'claude-sonnet-4-5' : 'claude-haiku-4-5',
      ...experiment,
      labels: { job_kind: KINDS[(j >> 3) % 3]! },
    },
  };
}

const usd = (micros: number): string =>
  `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
const jobCost = (j: number): number => 40_000 + ((j * 31) % 20_000) * 100;

/** The observability store, billing and the registry's token exchange, in their response shapes. */
async function startInputs(
  issuer: TestIssuer,
): Promise<{ url: string; datasets: Map<string, Dataset>; close(): Promise<void> }> {
  const datasets = new Map<string, Dataset>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://inputs');
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method === 'POST' && url.pathname === '/api/v1/auth/token') {
      req.resume();
      void issuer
        .token({
          tenantId: PLATFORM_TENANT,
          roles: ['viewer'],
          subjectType: 'service_account',
          platform: true,
        })
        .then((token) => json(200, { access_token: token, token_type: 'Bearer', expires_in: 900 }));
      return;
    }
    const d = datasets.get(url.searchParams.get('tenant_id') ?? '');
    if (!d) return json(404, { statusCode: 404, message: 'tenant not found' });
    if (url.pathname === '/api/v1/events') {
      const limit = Math.min(PAGE_MAX, Number(url.searchParams.get('limit') ?? 50));
      const kind = url.searchParams.get('kind');
      const from = url.searchParams.get('from');
      const to = url.searchParams.get('to');
      const lo = from ? firstJobAt(d, kind, Date.parse(from)) : 0;
      const hi = to ? firstJobAt(d, kind, Date.parse(to)) : d.jobs;
      const cursor = url.searchParams.get('cursor');
      const start = cursor ? Number(cursor) : lo;
      const end = Math.min(hi, start + limit);
      const make = kind === 'agent' ? agent : execution;
      const items: unknown[] = [];
      for (let j = start; j < end; j++) items.push({ seq: j + 1, row_hash: '00', ...make(d, j) });
      return json(200, { items, next_cursor: end < hi ? String(end) : null });
    }
    if (url.pathname === '/api/v1/billing/usage') {
      const start = new Date(d.end - 30 * 24 * 3_600_000);
      const items = [];
      for (let j = 0; j < Math.min(BREAKDOWN_MAX, d.jobs); j++)
        items.push({ key: jobId(d, j), cost: usd(jobCost(j)), unpriced_events: 0 });
      return json(200, {
        tenant_id: d.tenantId,
        period: {
          label: 'bench',
          start: start.toISOString(),
          end: new Date(d.end + 3_600_000).toISOString(),
        },
        currency: 'USD',
        breakdowns: { job: { items, total_count: d.jobs } },
      });
    }
    const job = /^\/api\/v1\/billing\/jobs\/job-[0-9a-f]{8}-(\d+)$/.exec(url.pathname);
    if (job)
      return json(200, {
        cost: usd(jobCost(Number(job[1]))),
        lines: [{ cost: usd(jobCost(Number(job[1]))) }],
      });
    json(404, { statusCode: 404, message: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    datasets,
    close: async () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function waitListening(
  child: ChildProcessByStdio<null, Readable, null>,
  name = 'eval-loop',
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
      if (buffered.length > 100_000) buffered = buffered.slice(-10_000);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
  });
}

/** Builds an app's production bundle and runs its migrations. */
function buildAndMigrate(ctx: BenchContext, app: string, env: NodeJS.ProcessEnv): string {
  ctx.log(`${app}: building the production bundle`);
  const build = spawnSync('npx', ['nx', 'run', `@auraison/${app}:build`, '--output-style=static'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false' },
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`building ${app} failed:\n${build.stdout}${build.stderr}`);
  const dist = join(ROOT, 'apps', app, 'dist');
  const migrate = spawnSync(process.execPath, [join(dist, 'migrate.js')], { env, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`${app} migration failed: ${migrate.stderr}`);
  return dist;
}

interface Child {
  base: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a production bundle (dist/main.js) and waits until it listens. */
async function startChild(
  ctx: BenchContext,
  dist: string,
  env: NodeJS.ProcessEnv,
  name: string,
): Promise<Child> {
  const child = spawn(process.execPath, [join(dist, 'main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  ctx.defer(stop);
  const port = await waitListening(child, name);
  return { base: `http://127.0.0.1:${port}`, pid: child.pid!, stop };
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

interface RunTimings {
  fetch_ms: number;
  compute_ms: number;
  store_ms: number;
  total_ms: number;
}

const label = (events: number): string => (events >= 1e6 ? `${events / 1e6}m` : `${events / 1e3}k`);

/** Publishes a dataset's events (protobuf, as the planes do) for the real observability store. */
async function publishDataset(
  {
    contracts,
    nc,
    subjects,
  }: { contracts: Contracts; nc: NatsConnection; subjects: { agent: string; execution: string } },
  d: Dataset,
): Promise<void> {
  const { AgentEventMessage, ExecutionEventMessage, Environment, ExecutionStatus } = contracts;
  const js = jetstream(nc);
  const h = headers();
  h.set('Content-Type', 'application/protobuf');
  const envs = [Environment.ENVIRONMENT_TORCH_DEV_GPU, Environment.ENVIRONMENT_ROS_DEV_GPU];
  const WINDOW = 1000;
  for (let from = 0; from < d.jobs; from += WINDOW / 2) {
    const acks: Array<Promise<unknown>> = [];
    for (let j = from; j < Math.min(d.jobs, from + WINDOW / 2); j++) {
      const a = agent(d, j).event as Record<string, unknown>;
      const agentMessage = agentEvent({
        eventId: a.event_id as string,
        timestamp: new Date(a.timestamp as string),
        tenantId: d.tenantId,
        agentRole: a.agent_role as string,
        jobId: jobId(d, j),
        sessionId: a.session_id as string,
        tokensIn: a.tokens_in as number,
        tokensOut: a.tokens_out as number,
        model: a.model as string,
        labels: a.labels as Record<string, string>,
        ...(a.experiment_id ? { experimentId: a.experiment_id as string, variant: a.variant as string } : {}),
      });
      const e = execution(d, j).event as Record<string, unknown>;
      const executionMessage = executionEvent({
        eventId: e.event_id as string,
        timestamp: new Date(e.timestamp as string),
        tenantId: d.tenantId,
        jobId: jobId(d, j),
        rayJobId: e.ray_job_id as string,
        environment: envs[(j >> 2) % 2]!,
        status: failed(j)
          ? ExecutionStatus.EXECUTION_STATUS_FAILED
          : ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
        gpuSeconds: e.gpu_seconds as number,
        startedAt: new Date(e.started_at as string),
        endedAt: new Date(e.ended_at as string),
        attempt: 1,
        labels: e.labels as Record<string, string>,
      });
      acks.push(
        js.publish(subjects.agent, AgentEventMessage.encode(agentMessage), {
          msgID: agentMessage.eventId,
          headers: h,
        }),
        js.publish(subjects.execution, ExecutionEventMessage.encode(executionMessage), {
          msgID: executionMessage.eventId,
          headers: h,
        }),
      );
    }
    await Promise.all(acks);
  }
}

/** Events the observability store has committed for a tenant (its chain head moves with its rows). */
async function storedEvents(pool: pg.Pool, tenantId: string): Promise<number> {
  const { rows } = await pool.query<{ seq: string }>(
    'SELECT seq FROM observability.chain_heads WHERE tenant_id = $1',
    [tenantId],
  );
  return Number(rows[0]?.seq ?? 0);
}

type Contracts = typeof import('@auraison/contracts');

interface RunFigures {
  timings: RunTimings;
}

/** Asks eval-loop for a run of the dataset's window and waits for its result. */
async function evaluate(base: string, auth: Record<string, string>, d: Dataset): Promise<RunFigures> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${base}/api/v1/eval/runs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_id: d.tenantId, window_end: new Date(d.end).toISOString() }),
    });
    // 404 until the tenant is projected.
    if (res.status === 404 && attempt < 100) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    if (res.status !== 202)
      throw new Error(`POST /api/v1/eval/runs answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      const run = (await (
        await fetch(`${base}/api/v1/eval/runs/${id}?tenant_id=${d.tenantId}`, { headers: auth })
      ).json()) as {
        status: string;
        error: string | null;
        timings: RunTimings;
        inputs: Record<string, number>;
      };
      if (run.status === 'failed') throw new Error(`evaluation run failed: ${run.error}`);
      if (run.status === 'succeeded' || run.status === 'degraded') {
        if (run.inputs.outcomes !== d.jobs)
          throw new Error(`run read ${run.inputs.outcomes} outcomes, expected ${d.jobs}`);
        return { timings: run.timings };
      }
    }
  }
}

/** Deletes the streams of a namespace (the services provision them on start). */
async function deleteNamespace(nc: NatsConnection, namespace: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const prefix = `${namespace.toUpperCase()}_`;
  for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) await jsm.streams.delete(name);
}

function timingResults(
  prefix: string,
  where: string,
  events: number,
  figures: RunTimings[],
  conditions: string,
  fetchConditions: string,
): BenchResult[] {
  return [
    {
      id: `${prefix}-${label(events)}`,
      title: `evaluation run, ${label(events)}-event window${where}: total`,
      unit: 'ms',
      samples: figures.map((t) => t.total_ms),
      conditions,
    },
    {
      id: `${prefix}-${label(events)}-fetch`,
      title: `evaluation run, ${label(events)}-event window${where}: reading events and costs over HTTP`,
      unit: 'ms',
      samples: figures.map((t) => t.fetch_ms),
      conditions: fetchConditions,
    },
    {
      id: `${prefix}-${label(events)}-compute`,
      title: `evaluation run, ${label(events)}-event window${where}: join, signals, experiments`,
      unit: 'ms',
      samples: figures.map((t) => t.compute_ms),
      conditions: 'in the eval-loop process (pure domain code)',
    },
    {
      id: `${prefix}-${label(events)}-rate`,
      title: `evaluation run, ${label(events)}-event window${where}: events evaluated per second`,
      unit: 'events/s',
      samples: figures.map((t) => events / (t.total_ms / 1000)),
      conditions,
    },
  ];
}

function growthResult(
  id: string,
  where: string,
  totals: Map<number, number[]>,
  sizes: readonly number[],
): BenchResult[] {
  if (sizes.length < 2) return [];
  const small = sizes[0]!;
  const large = sizes[sizes.length - 1]!;
  return [
    {
      id,
      title: `run time growth${where} from ${label(small)} to ${label(large)} events (${large / small}x the events)`,
      unit: 'x',
      samples: totals.get(large)!.map((t, i) => t / totals.get(small)![i]!),
      conditions: 'total of the larger window / total of the smaller, run by run',
    },
  ];
}

export const evalLoopSuite: BenchSuite = {
  id: 'eval-loop',
  title: 'Evaluation time for a window of events',
  section: 'Evaluation loop (issue 7)',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const contracts: Contracts = await import('@auraison/contracts');
    const { JetStreamPublisher, Namespace } = await import('@auraison/messaging');
    const issuer = await startTestIssuer();
    ctx.defer(async () => issuer.close());
    const inputs = await startInputs(issuer);
    ctx.defer(async () => inputs.close());
    const nc = await connect({ servers: ctx.natsUrl });
    ctx.defer(async () => nc.close());
    const namespace = `e${ctx.runId}`.replace(/[^a-z0-9]/g, '').slice(0, 16);
    ctx.defer(async () => deleteNamespace(nc, namespace));
    const evalEnv = (observabilityUrl: string): NodeJS.ProcessEnv => ({
      ...process.env,
      ...issuer.env,
      DATABASE_URL: ctx.databaseUrl,
      NATS_URL: ctx.natsUrl,
      MP_NATS_NAMESPACE: namespace,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      MP_TENANT_REGISTRY_URL: inputs.url,
      MP_OBSERVABILITY_URL: observabilityUrl,
      MP_BILLING_URL: inputs.url,
      MP_SERVICE_API_KEY: API_KEY,
      // Only manual runs during the measurement.
      EVAL_EVERY_N_EXECUTIONS: '0',
      EVAL_SCHEDULE: '0 0 1 1 *',
      // A failed run is an error of the benchmark: no retries.
      EVAL_RUN_MAX_ATTEMPTS: '1',
    });
    const dist = buildAndMigrate(ctx, 'eval-loop', evalEnv(inputs.url));
    const auth = {
      authorization: `Bearer ${await issuer.token({ tenantId: PLATFORM_TENANT, roles: ['platform_admin'], ttlSeconds: 3600 })}`,
    };
    const publisher = new JetStreamPublisher(nc, { namespace: new Namespace(namespace) });
    /** A tenant with a window of `events` events, known to eval-loop (mp.tenant.events). */
    const dataset = async (events: number): Promise<Dataset> => {
      const tenantId = randomUUID();
      const d: Dataset = { tenantId, jobs: events / 2, end: Date.now() - 60_000 };
      inputs.datasets.set(tenantId, d);
      await publisher.publish(
        contracts.TenantEventMessage,
        contracts.SUBJECTS.tenantEvents,
        tenantEvent({ tenantId, slug: `b-${tenantId.slice(0, 8)}` }),
      );
      return d;
    };
    const results: BenchResult[] = [];
    const runs = ctx.runs(3);

    // ---- part 1: eval-loop's own cost, the inputs stood in by this process
    const sizes = ctx.size([100_000, 1_000_000], [20_000, 100_000]);
    const evalLoop = await startChild(ctx, dist, evalEnv(inputs.url), 'eval-loop');
    const totals = new Map<number, number[]>();
    for (const events of sizes) {
      const d = await dataset(events);
      const figures = (
        await ctx.repeat(
          `eval-loop: one run over ${label(events)} events (inputs stood in)`,
          runs,
          async () => evaluate(evalLoop.base, auth, d),
          (f) => describeTimings(f.timings),
        )
      ).map((f) => f.timings);
      totals.set(
        events,
        figures.map((t) => t.total_ms),
      );
      results.push(
        ...timingResults(
          'eval-run',
          '',
          events,
          figures,
          `${d.jobs} jobs (${label(events)} events), production bundle, inputs stood in over HTTP on the same 2 cores`,
          `${(events / PAGE_MAX).toFixed(0)} event pages of ${PAGE_MAX} (4 ranges per kind at once), 1 cost breakdown + 2000 job lookups`,
        ),
      );
    }
    results.push(...growthResult('eval-run-growth', '', totals, sizes), {
      id: 'eval-loop-peak-rss',
      title: `eval-loop peak RSS after the ${label(sizes[sizes.length - 1]!)}-event runs`,
      unit: 'MiB',
      samples: [peakRssMb(evalLoop.pid)],
      conditions: 'VmHWM of the eval-loop process (V8 default heap limit)',
    });
    await evalLoop.stop();

    // ---- part 2: the windows loaded into the real observability store and read from it
    const storeNamespace = `s${ctx.runId}`.replace(/[^a-z0-9]/g, '').slice(0, 16);
    ctx.defer(async () => deleteNamespace(nc, storeNamespace));
    const storeEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...issuer.env,
      DATABASE_URL: ctx.databaseUrl,
      NATS_URL: ctx.natsUrl,
      MP_NATS_NAMESPACE: storeNamespace,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
    };
    const storeDist = buildAndMigrate(ctx, 'observability-store', storeEnv);
    const store = await startChild(ctx, storeDist, storeEnv, 'observability-store');
    const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 2 });
    ctx.defer(async () => pool.end());
    const storeNs = new Namespace(storeNamespace);
    const storePublisher = new JetStreamPublisher(nc, { namespace: storeNs });
    const subjects = {
      agent: storeNs.subject(contracts.SUBJECTS.agentEvents),
      execution: storeNs.subject(contracts.SUBJECTS.executionEvents),
    };
    const loadBudgetMs = ctx.size(6 * 60_000, 2 * 60_000);
    const loaded: Array<{ events: number; d: Dataset; loadMs: number }> = [];
    let loadRate = Number.POSITIVE_INFINITY;
    for (const events of ctx.size([100_000, 1_000_000], [20_000])) {
      const projectedMs = (events / loadRate) * 1000;
      if (projectedMs > loadBudgetMs) {
        ctx.log(
          `eval-loop: not loading ${label(events)} events into the observability store: about ` +
            `${Math.round(projectedMs / 60_000)} min at ${Math.round(loadRate)} events/s (budget ${loadBudgetMs / 60_000} min)`,
        );
        break;
      }
      const d = await dataset(events);
      await storePublisher.publish(
        contracts.TenantEventMessage,
        contracts.SUBJECTS.tenantEvents,
        tenantEvent({ tenantId: d.tenantId, slug: `b-${d.tenantId.slice(0, 8)}` }),
      );
      ctx.log(`eval-loop: loading ${label(events)} events into the observability store over NATS`);
      const started = performance.now();
      await publishDataset({ contracts, nc, subjects }, d);
      for (let n = 0; n < events; n = await storedEvents(pool, d.tenantId)) {
        if (performance.now() - started > 3 * loadBudgetMs)
          throw new Error(
            `the observability store stored ${n} of ${events} events in ${(3 * loadBudgetMs) / 60_000} min`,
          );
        await new Promise((r) => setTimeout(r, 500));
      }
      const loadMs = performance.now() - started;
      loadRate = events / (loadMs / 1000);
      ctx.log(
        `eval-loop: ${label(events)} events stored in ${(loadMs / 1000).toFixed(1)} s (${Math.round(loadRate)}/s)`,
      );
      loaded.push({ events, d, loadMs });
    }
    await pool.query('ANALYZE observability.events').catch(() => undefined);
    const realLoop = await startChild(ctx, dist, evalEnv(store.base), 'eval-loop');
    const realTotals = new Map<number, number[]>();
    const largestStandIn = sizes[sizes.length - 1]!;
    for (const { events, d, loadMs } of loaded) {
      const figures = (
        await ctx.repeat(
          `eval-loop: one run over ${label(events)} events read from the real observability store`,
          runs,
          async () => evaluate(realLoop.base, auth, d),
          (f) => describeTimings(f.timings),
        )
      ).map((f) => f.timings);
      realTotals.set(
        events,
        figures.map((t) => t.total_ms),
      );
      results.push(
        ...timingResults(
          'eval-run-store',
          ' from the real observability store',
          events,
          figures,
          `${d.jobs} jobs (${label(events)} events) stored by the observability store (production bundle), eval-loop, store, PostgreSQL and NATS on the same 2 cores; billing stood in`,
          `${(events / PAGE_MAX).toFixed(0)} pages of ${PAGE_MAX} from GET /api/v1/events (4 ranges per kind at once), 1 cost breakdown + 2000 job lookups`,
        ),
        {
          id: `eval-store-load-${label(events)}`,
          title: `loading the ${label(events)}-event window into the observability store (publish to stored)`,
          unit: 'events/s',
          samples: [events / (loadMs / 1000)],
          conditions:
            'protobuf over NATS, 1000 publishes in flight, until the chain head counts every event; one load',
        },
      );
    }
    results.push(
      ...growthResult(
        'eval-run-store-growth',
        ' (real store)',
        realTotals,
        loaded.map((l) => l.events),
      ),
    );
    if (loaded.length && loaded[loaded.length - 1]!.events < largestStandIn)
      ctx.log(
        `eval-loop: largest window read from the real observability store: ${label(loaded[loaded.length - 1]!.events)} events`,
      );
    await realLoop.stop();
    await store.stop();
    return results;
  },
};

const describeTimings = (t: RunTimings): string =>
  `total ${t.total_ms} ms (fetch ${t.fetch_ms}, compute ${t.compute_ms}, store ${t.store_ms})`;
