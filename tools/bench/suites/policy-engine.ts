// The policy engine in the control plane's hot path (issue 6), as a production bundle in a child
// process (node apps/policy-engine/dist/main.js), like the grpc-js echo baseline's server:
// - GetToolScope and GetAgentConfig over gRPC, 64 calls in flight (the echo baseline's load): peak
//   throughput as a ratio to `grpc-echo`, then latency at a fixed rate of half that peak;
// - AdmitJob over gRPC (a PostgreSQL transaction per call): throughput and p99;
// - HTTP GET tool-scope and quota (autocannon) against the same app's /healthz.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import type { AdmitJobResponse, PolicyServiceService } from '@auraison/contracts';
import { startTestIssuer, tenantEvent } from '@auraison/testing';
import { connect } from '@nats-io/transport-node';
import autocannon from 'autocannon';
import { fixedRate, loadFigures, type LoadFigures } from '../load-shapes.js';
import type { BenchContext, BenchSuite } from '../context.js';
import type { BenchResult } from '../report.js';

const ROOT = join(import.meta.dirname, '../../..');
const APP = join(ROOT, 'apps/policy-engine/dist');
const CONCURRENCY = 64;
const ADMIT_TENANTS = 16;

type Method = keyof typeof PolicyServiceService;

// Loaded when the suite runs (they are lazy-loaded elsewhere in tools/bench, see payload.ts).
type Contracts = typeof import('@auraison/contracts');

interface Running {
  http: string;
  grpc: string;
}

async function startPolicyEngine(ctx: BenchContext, env: NodeJS.ProcessEnv): Promise<Running> {
  ctx.log('policy: building policy-engine (production bundle)');
  const build = spawnSync('npx', ['nx', 'run', '@auraison/policy-engine:build', '--output-style=static'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false' },
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`building policy-engine failed:\n${build.stdout}${build.stderr}`);
  const migrate = spawnSync(process.execPath, [join(APP, 'migrate.js')], { env, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`policy-engine migration failed: ${migrate.stderr}`);
  const child = spawn(process.execPath, [join(APP, 'main.js')], {
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  ctx.defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });
  return new Promise<Running>((resolve, reject) => {
    let buffered = '';
    let grpc: string | undefined;
    const timer = setTimeout(() => reject(new Error('policy-engine did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`policy-engine exited with ${code} before listening`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      grpc ??= /grpc listening on ([\w.:[\]-]+:\d+)/.exec(buffered)?.[1];
      const http = /listening on (http:\/\/[^:]+:\d+)/.exec(buffered)?.[1];
      if (grpc && http) {
        clearTimeout(timer);
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve({ http, grpc });
      }
    });
  });
}

class PolicyClient {
  private readonly client: Client & Record<string, unknown>;
  private readonly metadata = new Metadata();

  constructor(service: typeof PolicyServiceService, address: string, token: string) {
    const Ctor = makeGenericClientConstructor(service, 'PolicyService');
    this.client = new Ctor(address, credentials.createInsecure());
    this.metadata.set('authorization', `Bearer ${token}`);
  }

  async call<T>(method: Method, request: unknown): Promise<T> {
    const fn = this.client[method] as (
      r: unknown,
      m: Metadata,
      cb: (e: ServiceError | null, res: T) => void,
    ) => void;
    return new Promise<T>((resolve, reject) => {
      fn.call(this.client, request, this.metadata, (err, res) => (err ? reject(err) : resolve(res)));
    });
  }

  close(): void {
    this.client.close();
  }
}

/**
 * CONCURRENCY calls in flight for `durationMs` (closed loop): the peak. A call that returns a number
 * reports its own latency (ms) instead of being timed as a whole.
 */
async function closedLoop(durationMs: number, call: (i: number) => Promise<unknown>): Promise<LoadFigures> {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + durationMs;
  let n = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const own = await call(n++);
      latencies.push(typeof own === 'number' ? own : performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  return loadFigures(latencies, latencies.length, (performance.now() - start) / 1000);
}

async function httpLoad(url: string, token: string | undefined, durationS: number) {
  const result = await autocannon({
    url,
    connections: 32,
    duration: durationS,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

export const policyEngineSuite: BenchSuite = {
  id: 'policy',
  title: 'Policy engine: gRPC hot path, admissions, HTTP queries',
  section: 'Policy engine (issue 6)',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const { Environment, PolicyServiceService, SUBJECTS, TenantEventMessage }: Contracts =
      await import('@auraison/contracts');
    const { JetStreamPublisher, Namespace } = await import('@auraison/messaging');
    const issuer = await startTestIssuer('bench-tenant-registry');
    ctx.defer(async () => issuer.close());
    const namespace = `p${ctx.runId}`.replace(/[^a-z0-9]/g, '').slice(0, 16);
    const running = await startPolicyEngine(ctx, {
      ...process.env,
      ...issuer.env,
      DATABASE_URL: ctx.databaseUrl,
      NATS_URL: ctx.natsUrl,
      MP_NATS_NAMESPACE: namespace,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      GRPC_PORT: '0',
      LOG_LEVEL: 'warn',
    });

    // Tenants, announced the way the tenant registry does: TenantEvents on mp.tenant.events.
    const nc = await connect({ servers: ctx.natsUrl });
    ctx.defer(async () => nc.close());
    const publisher = new JetStreamPublisher(nc, { namespace: new Namespace(namespace) });
    const tenants = Array.from({ length: ADMIT_TENANTS }, () => randomUUID());
    for (const tenantId of tenants)
      await publisher.publish(
        TenantEventMessage,
        SUBJECTS.tenantEvents,
        tenantEvent({
          tenantId,
          allowedEnvironments: [Environment.ENVIRONMENT_TORCH_DEV_GPU, Environment.ENVIRONMENT_ROS_DEV_GPU],
          quota: {
            gpuHoursPerPeriod: 1_000_000,
            tokenBudgetPerPeriod: 1_000_000_000_000,
            maxJobsInFlight: 1_000_000,
            defaultMaxJobDurationS: 3600,
            periodAnchorDay: 1,
          },
        }),
      );
    const clients = await Promise.all(
      tenants.map(
        async (tenantId) =>
          new PolicyClient(
            PolicyServiceService,
            running.grpc,
            await issuer.token({ tenantId, roles: ['service'], subjectType: 'service_account' }),
          ),
      ),
    );
    ctx.defer(() => clients.forEach((c) => c.close()));
    const [main] = clients as [PolicyClient];
    const tenantId = tenants[0]!;
    const deadline = Date.now() + 20_000;
    for (const [i, c] of clients.entries()) {
      for (;;) {
        try {
          await c.call('getQuota', { tenantId: tenants[i] });
          break;
        } catch (e) {
          if (Date.now() > deadline)
            throw new Error(`tenant never reached the policy engine: ${(e as Error).message}`, { cause: e });
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }

    const durationMs = ctx.size(5_000, 1_500);
    const warmupMs = ctx.size(2_000, 500);
    const runs = ctx.runs(3);
    const scopeRequest = {
      tenantId,
      agentRole: 'notebook',
      environment: Environment.ENVIRONMENT_TORCH_DEV_GPU,
    };
    const configRequest = (i: number) => ({
      tenantId,
      agentRole: 'notebook',
      jobId: `job-${i % 1000}`,
      environment: 1,
    });
    const hotPath: Array<{ id: string; title: string; call: (i: number) => Promise<unknown> }> = [
      {
        id: 'policy-grpc-tool-scope',
        title: 'GetToolScope',
        call: async () => main.call('getToolScope', scopeRequest),
      },
      {
        id: 'policy-grpc-agent-config',
        title: 'GetAgentConfig',
        call: async (i) => main.call('getAgentConfig', configRequest(i)),
      },
    ];
    // The server has just started: let V8 optimize its whole request path (Nest, grpc-js, the core)
    // before anything is measured, or the first operation measured pays for it.
    ctx.log(`policy: warming the server up for ${ctx.size(6, 2)} s`);
    await closedLoop(ctx.size(3_000, 1_000), async (i) => hotPath[i % 2]!.call(i));
    await closedLoop(ctx.size(3_000, 1_000), async (i) => hotPath[i % 2]!.call(i));
    const results: BenchResult[] = [];
    const loadConditions = `production bundle in a child process, one channel, ${CONCURRENCY} calls in flight for ${durationMs / 1000} s after a ${warmupMs / 1000} s warm-up, client on the same 2 cores`;
    for (const op of hotPath) {
      ctx.log(`policy: ${op.title} warm-up`);
      await closedLoop(warmupMs, op.call);
      const peak = await ctx.repeat(
        `${op.title} over gRPC, ${CONCURRENCY} in flight`,
        runs,
        async () => closedLoop(durationMs, op.call),
        (f) =>
          `${Math.round(f.callsPerSecond)} calls/s, p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms`,
      );
      const half = Math.max(1, Math.round(Math.max(...peak.map((f) => f.callsPerSecond)) / 2));
      const atHalf = await ctx.repeat(
        `${op.title} over gRPC at ${half} calls/s (half of peak)`,
        runs,
        async () => fixedRate(durationMs, half, op.call),
        (f) => `p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms`,
      );
      results.push(
        {
          id: op.id,
          title: `${op.title} over gRPC (policy engine, authenticated)`,
          unit: 'calls/s',
          samples: peak.map((f) => f.callsPerSecond),
          conditions: loadConditions,
          baselineId: 'grpc-echo',
        },
        {
          id: `${op.id}-peak-p99`,
          title: `${op.title} over gRPC, p99 latency at peak`,
          unit: 'ms',
          samples: peak.map((f) => f.p99),
          conditions: 'same load',
        },
        {
          id: `${op.id}-half-p50`,
          title: `${op.title} over gRPC, p50 latency at half of peak`,
          unit: 'ms',
          samples: atHalf.map((f) => f.p50),
          baselineId: 'grpc-echo-half-p50',
          conditions: `calls started at a fixed rate of half the best peak run (${half}/s), timed from their scheduled start; target ≤ 1 ms`,
        },
        {
          id: `${op.id}-half-p99`,
          title: `${op.title} over gRPC, p99 latency at half of peak`,
          unit: 'ms',
          samples: atHalf.map((f) => f.p99),
          baselineId: 'grpc-echo-half-p99',
          conditions: 'same; target ≤ 3 ms',
        },
      );
    }

    // Admissions: one PostgreSQL transaction each, serialized per tenant (a row lock); 16 tenants,
    // 4 in flight per tenant. Each admitted job is released right after (not timed), so open
    // reservations stay as few as a real max_jobs_in_flight keeps them.
    const admit = async (i: number): Promise<number> => {
      const t = i % ADMIT_TENANTS;
      const jobId = `bench-${randomUUID()}`;
      const t0 = performance.now();
      const r = await clients[t]!.call<AdmitJobResponse>('admitJob', {
        tenantId: tenants[t],
        jobId,
        environment: Environment.ENVIRONMENT_TORCH_DEV_GPU,
        gpuCount: 1,
        maxDurationS: 600,
        estimatedTokens: 100,
        agentRole: 'notebook',
      });
      const latency = performance.now() - t0;
      if (!r.admitted) throw new Error(`admission rejected: ${r.message}`);
      await clients[t]!.call('releaseJob', { tenantId: tenants[t], jobId, reason: 'bench' });
      return latency;
    };
    await closedLoop(warmupMs, admit);
    const admissions = await ctx.repeat(
      `AdmitJob over gRPC, ${CONCURRENCY} in flight over ${ADMIT_TENANTS} tenants`,
      runs,
      async () => closedLoop(durationMs, admit),
      (f) =>
        `${Math.round(f.callsPerSecond)} calls/s, p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms`,
    );
    results.push(
      {
        id: 'policy-grpc-admit-job',
        title: 'AdmitJob over gRPC (reservation in PostgreSQL), admissions/s',
        unit: 'calls/s',
        samples: admissions.map((f) => f.callsPerSecond),
        conditions: `admit + release cycles, ${CONCURRENCY} in flight over ${ADMIT_TENANTS} tenants (row lock per tenant); each admission one transaction with its decision record; ${durationMs / 1000} s`,
        baselineId: 'grpc-echo',
      },
      {
        id: 'policy-grpc-admit-job-p99',
        title: 'AdmitJob over gRPC, p99 latency',
        unit: 'ms',
        samples: admissions.map((f) => f.p99),
        conditions: 'same load, AdmitJob calls only',
      },
    );

    // HTTP doors against the same app's /healthz.
    const token = await issuer.token({ tenantId, roles: ['service'], subjectType: 'service_account' });
    const durationS = ctx.size(5, 2);
    const base = running.http;
    const scopeUrl = `${base}/api/v1/policy/tool-scope?agent_role=notebook&tenant_id=${tenantId}`;
    const quotaUrl = `${base}/api/v1/policy/quota?tenant_id=${tenantId}`;
    await httpLoad(scopeUrl, token, 1);
    const health = await ctx.repeat(
      'GET /healthz',
      runs,
      async () => httpLoad(`${base}/healthz`, undefined, durationS),
      (r) => `${Math.round(r.rps)} req/s`,
    );
    const scope = await ctx.repeat(
      'GET /api/v1/policy/tool-scope',
      runs,
      async () => httpLoad(scopeUrl, token, durationS),
      (r) => `${Math.round(r.rps)} req/s, p99 ${r.p99} ms`,
    );
    const quota = await ctx.repeat(
      'GET /api/v1/policy/quota',
      runs,
      async () => httpLoad(quotaUrl, token, durationS),
      (r) => `${Math.round(r.rps)} req/s, p99 ${r.p99} ms`,
    );
    const httpConditions = `production bundle, autocannon 32 connections for ${durationS} s, client on the same 2 cores`;
    results.push(
      {
        id: 'policy-http-healthz',
        title: 'policy-engine GET /healthz (NestJS + Fastify floor)',
        unit: 'req/s',
        samples: health.map((r) => r.rps),
        conditions: httpConditions,
      },
      {
        id: 'policy-http-tool-scope',
        title: 'GET /api/v1/policy/tool-scope',
        unit: 'req/s',
        samples: scope.map((r) => r.rps),
        conditions: `${httpConditions}; bearer token verified once then cached`,
        baselineId: 'policy-http-healthz',
      },
      {
        id: 'policy-http-quota',
        title: 'GET /api/v1/policy/quota (one PostgreSQL query)',
        unit: 'req/s',
        samples: quota.map((r) => r.rps),
        conditions: `${httpConditions}; usage and open reservations summed in one query`,
        baselineId: 'policy-http-healthz',
      },
      {
        id: 'policy-http-quota-p99',
        title: 'GET /api/v1/policy/quota, p99 latency',
        unit: 'ms',
        samples: quota.map((r) => r.p99),
        conditions: 'same load',
      },
    );
    return results;
  },
};
