// The demo workload: two tenants with service accounts and scopes, then jobs played through the real
// interfaces at a chosen rate. Admissions and agent configs over gRPC (PolicyClient), agent sessions as
// Claude Code stream-json turned into AgentEvents by the client's converter, Ray jobs as KubeRay RayJob
// objects going PENDING -> RUNNING -> SUCCEEDED/FAILED (some retried) turned into ExecutionEvents, one
// actuation session on ros.dev.gpu behind an opened gate, and a backfill of last month so statements exist.
import { randomUUID } from 'node:crypto';
import {
  agentEventFromClaudeOutput,
  ApiKeyTokenSource,
  environmentForName,
  childSpan,
  EventPublisher,
  executionEventFromRayJob,
  PolicyClient,
  RAYJOB_ANNOTATIONS,
  RAYJOB_LABELS,
  type RayJob,
  type TraceContext,
} from '@auraison/client';

export interface DemoOptions {
  registryUrl: string;
  policyUrl: string;
  policyGrpc: string;
  natsUrl: string;
  natsNamespace: string;
  adminKey: string;
  /** Jobs started per second. */
  rate: number;
  jobs: number;
  /** Jobs replayed into last month (statements cover closed periods only). */
  backfill: number;
  /** Seconds of playback per job lifecycle (PENDING -> terminal). */
  jobSeconds: number;
  prefix: string;
  log: (line: string) => void;
  progress: (line: string, done?: boolean) => void;
}

export interface DemoResult {
  tenants: Array<{ slug: string; id: string }>;
  admitted: number;
  rejected: number;
  succeeded: number;
  failed: number;
  retried: number;
  agentEvents: number;
  executionEvents: number;
  gpuSeconds: number;
  sampleJob?: string;
  sampleSession?: string;
  actuationSession?: string;
  backfillPeriod: string;
}

const ROLES = [
  { role: 'notebook', env: 'torch.dev.gpu', gpus: 1, weight: 4 },
  { role: 'cluster', env: 'torch.dev.gpu', gpus: 4, weight: 2 },
  { role: 'lakehouse', env: 'torch.dev.gpu', gpus: 0, weight: 2 },
  { role: 'wandb', env: 'torch.dev.gpu', gpus: 0, weight: 1 },
  { role: 'cluster', env: 'ros.dev.gpu', gpus: 2, weight: 1 },
] as const;

const COMMANDS: Record<string, Array<[string, Record<string, unknown>, string]>> = {
  notebook: [
    [
      'Bash',
      { command: 'kubectl get rayjobs -n {ns}' },
      'NAME        JOB STATUS   DEPLOYMENT STATUS\ntrain-7    RUNNING      Running',
    ],
    ['Read', { file_path: '/work/notebooks/train.py' }, 'import torch\nfrom ray import train\n...'],
    [
      'Bash',
      { command: 'ray job submit --working-dir . -- python train.py --epochs 3' },
      'Job submitted: raysubmit_{id}',
    ],
  ],
  cluster: [
    [
      'Bash',
      { command: 'kubectl describe raycluster -n {ns}' },
      'Name: rc-{id}\nWorker Groups: gpu-workers (replicas 2)',
    ],
    [
      'Bash',
      { command: 'kubectl logs -n {ns} job/{job} --tail 50' },
      'epoch 1 loss 0.812\nepoch 2 loss 0.544',
    ],
    ['Bash', { command: 'kubectl delete rayjob {job} -n {ns}' }, ''],
  ],
  lakehouse: [
    [
      'Bash',
      { command: 'duckdb warehouse.db "select count(*) from runs"' },
      '┌──────────────┐\n│ count_star() │\n│        48213 │',
    ],
    ['Edit', { file_path: './output/report.md', old_string: 'TBD', new_string: 'rows: 48213' }, 'ok'],
  ],
  wandb: [
    ['Bash', { command: 'wandb runs list auraison/demo --limit 5' }, 'run-{id}  finished  val_acc=0.91'],
    ['WebFetch', { url: 'https://api.wandb.ai/graphql', prompt: 'summary of run' }, '{"val_acc":0.91}'],
  ],
};

interface Tenant {
  slug: string;
  id: string;
  ns: string;
  envs: string[];
  policy: PolicyClient;
}

function pick<T extends { weight: number }>(items: readonly T[], r: number): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let x = r * total;
  for (const i of items) if ((x -= i.weight) < 0) return i;
  return items[items.length - 1]!;
}

const sleep = async (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Claude Code stream-json of one headless session: init, tool_use / tool_result pairs, result. */
export function sessionStream(opts: {
  sessionId: string;
  model: string;
  calls: Array<{ tool: string; input: Record<string, unknown>; output: string; isError?: boolean }>;
  denied?: { tool: string; input: Record<string, unknown> };
  failed?: boolean;
}): string {
  const lines: unknown[] = [
    {
      type: 'system',
      subtype: 'init',
      session_id: opts.sessionId,
      model: opts.model,
      tools: ['Bash', 'Read', 'Edit'],
    },
  ];
  let tokensIn = 0;
  let tokensOut = 0;
  opts.calls.forEach((c, i) => {
    const id = `toolu_${opts.sessionId.slice(0, 8)}_${i}`;
    const usage = {
      input_tokens: 900 + i * 350,
      output_tokens: 60 + i * 25,
      cache_read_input_tokens: 4000 + i * 800,
      cache_creation_input_tokens: i === 0 ? 600 : 0,
    };
    tokensIn += usage.input_tokens;
    tokensOut += usage.output_tokens;
    lines.push({
      type: 'assistant',
      session_id: opts.sessionId,
      message: {
        id: `msg_${i}`,
        model: opts.model,
        content: [{ type: 'tool_use', id, name: c.tool, input: c.input }],
        usage,
      },
    });
    lines.push({
      type: 'user',
      session_id: opts.sessionId,
      message: {
        content: [
          {
            type: 'tool_result',
            tool_use_id: id,
            content: c.output,
            ...(c.isError ? { is_error: true } : {}),
          },
        ],
      },
    });
  });
  lines.push({
    type: 'result',
    subtype: opts.failed ? 'error_during_execution' : 'success',
    session_id: opts.sessionId,
    uuid: randomUUID(),
    is_error: !!opts.failed,
    duration_ms: 4000 + opts.calls.length * 2500,
    usage: {
      input_tokens: tokensIn,
      output_tokens: tokensOut,
      cache_read_input_tokens: 4000 * opts.calls.length,
      cache_creation_input_tokens: 600,
    },
    permission_denials: opts.denied
      ? [
          {
            tool_name: opts.denied.tool,
            tool_use_id: `toolu_denied_${opts.sessionId.slice(0, 8)}`,
            tool_input: opts.denied.input,
          },
        ]
      : [],
  });
  return lines.map((l) => JSON.stringify(l)).join('\n');
}

function rayJob(
  t: Tenant,
  jobId: string,
  uid: string,
  env: string,
  role: string,
  gpus: number,
  sessionId: string,
  trace: TraceContext,
  status: RayJob['status'],
): RayJob {
  return {
    metadata: {
      name: jobId,
      namespace: t.ns,
      uid,
      labels: {
        [RAYJOB_LABELS.tenantId]: t.id,
        [RAYJOB_LABELS.jobId]: jobId,
        [RAYJOB_LABELS.environment]: env,
        [RAYJOB_LABELS.agentRole]: role,
        job_kind: role === 'lakehouse' ? 'lakehouse' : 'training',
      },
      annotations: {
        [RAYJOB_ANNOTATIONS.sessionId]: sessionId,
        [RAYJOB_ANNOTATIONS.traceparent]: `00-${trace.traceId}-${trace.spanId}-01`,
      },
    },
    spec: {
      rayClusterSpec: {
        headGroupSpec: { template: { spec: { containers: [{ resources: { requests: { cpu: '2' } } }] } } },
        workerGroupSpecs:
          gpus > 0
            ? [
                {
                  replicas: gpus,
                  template: { spec: { containers: [{ resources: { limits: { 'nvidia.com/gpu': '1' } } }] } },
                },
              ]
            : [],
      },
    },
    status,
  };
}

export function previousPeriod(now = new Date()): { label: string; start: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return { label: `${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, '0')}`, start };
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const admin = new ApiKeyTokenSource({ registryUrl: o.registryUrl, apiKey: o.adminKey });
  const token = await admin.accessToken();
  if (!token.roles.includes('platform_admin'))
    throw new Error(`the demo needs a platform admin key; this key has ${token.roles.join(', ')}`);
  const http = async <T>(
    base: string,
    method: string,
    path: string,
    body?: unknown,
    allow: number[] = [],
  ): Promise<T | undefined> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${await admin.token()}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (allow.includes(res.status)) return undefined;
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${base}${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  // 1. Tenants, service accounts, keys, scopes.
  const specs = [
    {
      slug: `${o.prefix}-acme`,
      name: 'ACME Robotics (demo)',
      envs: ['torch.dev.gpu', 'ros.dev.gpu'],
      gpuHours: 400,
      tokens: 80_000_000,
      jobs: 6,
    },
    {
      slug: `${o.prefix}-globex`,
      name: 'Globex Research (demo)',
      envs: ['torch.dev.gpu'],
      gpuHours: 6,
      tokens: 3_000_000,
      jobs: 2,
    },
  ];
  const tenants: Tenant[] = [];
  const all = (await http<{ items: Array<{ id: string; slug: string }> }>(
    o.registryUrl,
    'GET',
    '/api/v1/tenants?limit=200',
  ))!.items;
  for (const s of specs) {
    let t = all.find((x) => x.slug === s.slug);
    const quota = {
      gpu_hours_per_period: s.gpuHours,
      token_budget_per_period: s.tokens,
      max_jobs_in_flight: s.jobs,
      default_max_job_duration_s: 7200,
      period_anchor_day: 1,
      max_gpus: 16,
      cpu_cores: 64,
      memory_gib: 256,
    };
    if (!t) {
      t = (await http<{ id: string; slug: string }>(o.registryUrl, 'POST', '/api/v1/tenants', {
        slug: s.slug,
        name: s.name,
        allowed_environments: s.envs,
        quota,
      }))!;
      o.log(`created tenant ${s.slug} (${t.id})`);
    } else o.log(`using tenant ${s.slug} (${t.id})`);
    const sa = await http<{ id: string }>(
      o.registryUrl,
      'POST',
      `/api/v1/tenants/${t.id}/service-accounts`,
      { name: 'control-plane', description: 'demo control plane', role: 'service' },
      [409],
    );
    const saId =
      sa?.id ??
      (await http<{ items: Array<{ id: string; name: string }> }>(
        o.registryUrl,
        'GET',
        `/api/v1/tenants/${t.id}/service-accounts?limit=100`,
      ))!.items.find((x) => x.name === 'control-plane')!.id;
    const key = (await http<{ api_key: string }>(o.registryUrl, 'POST', `/api/v1/tenants/${t.id}/api-keys`, {
      name: `demo ${new Date().toISOString()}`,
      service_account_id: saId,
    }))!;
    const policy = new PolicyClient({
      address: o.policyGrpc,
      token: new ApiKeyTokenSource({ registryUrl: o.registryUrl, apiKey: key.api_key }),
      deadlineMs: 10_000,
    });
    tenants.push({ slug: s.slug, id: t.id, ns: `mp-${s.slug}`, envs: s.envs, policy });
  }
  const [acme, globex] = tenants as [Tenant, Tenant];
  // The policy engine learns of new tenants from mp.tenant.events: wait until it answers.
  for (const t of tenants)
    for (let i = 0; ; i++) {
      try {
        await t.policy.getQuota({ tenantId: t.id });
        break;
      } catch (e) {
        if (i > 60) throw e;
        await sleep(500);
      }
    }
  await http(o.policyUrl, 'PUT', `/api/v1/policy/tenants/${acme.id}/roles/notebook`, {
    allow: ['Bash(helm *)'],
    deny: ['Bash(ray stop *)'],
    reason: 'demo: helm charts allowed, stopping ray forbidden',
  });
  await http(o.policyUrl, 'PUT', `/api/v1/policy/tenants/${acme.id}/roles/notebook`, {
    allow: ['Bash(helm *)', 'WebFetch(domain:docs.ray.io)'],
    deny: ['Bash(ray stop *)'],
    max_duration_s: 1800,
    reason: 'demo: ray docs for the notebook agent',
  });
  await http(o.policyUrl, 'PUT', `/api/v1/policy/tenants/${globex.id}/roles/lakehouse`, {
    allow: ['Bash(psql *)'],
    deny: [],
    reason: 'demo: postgres access',
  });
  await http(o.policyUrl, 'POST', `/api/v1/policy/tenants/${acme.id}/gates/ros.dev.gpu/open`, {
    reason: 'demo: field test bay 3',
    duration_s: 3600,
  });
  o.log('scopes set (acme notebook v2 with history), ros.dev.gpu gate open for acme');

  const publisher = await EventPublisher.connect({
    url: o.natsUrl,
    namespace: o.natsNamespace || undefined,
    name: 'auraison-demo',
  });
  const r: DemoResult = {
    tenants: tenants.map((t) => ({ slug: t.slug, id: t.id })),
    admitted: 0,
    rejected: 0,
    succeeded: 0,
    failed: 0,
    retried: 0,
    agentEvents: 0,
    executionEvents: 0,
    gpuSeconds: 0,
    backfillPeriod: previousPeriod().label,
  };
  const show = (done = false, started = 0): void =>
    o.progress(
      `[${started}/${o.jobs}] admitted ${r.admitted}, rejected ${r.rejected}, succeeded ${r.succeeded}, failed ${r.failed} (retried ${r.retried}) | agent events ${r.agentEvents}, execution events ${r.executionEvents} | ${(r.gpuSeconds / 3600).toFixed(1)} GPU-h`,
      done,
    );

  const agentSession = async (
    t: Tenant,
    role: string,
    jobId: string,
    model: string,
    trace: TraceContext,
    at: Date,
    extra: { failed?: boolean; actuation?: boolean; variant?: string; configVersion?: number } = {},
  ): Promise<string> => {
    const sessionId = randomUUID();
    const id = jobId.slice(-6);
    const calls = (COMMANDS[role] ?? COMMANDS.notebook!).map(([tool, input, output]) => ({
      tool,
      input: JSON.parse(
        JSON.stringify(input).replaceAll('{ns}', t.ns).replaceAll('{job}', jobId).replaceAll('{id}', id),
      ) as Record<string, unknown>,
      output: output.replaceAll('{id}', id),
    }));
    if (extra.actuation)
      calls.push(
        {
          tool: 'mcp__ros__navigate_to_pose',
          input: { x: 2.5, y: -1.0, theta: 1.57, frame: 'map' },
          output: 'goal accepted: nav2 goal 17',
        },
        {
          tool: 'mcp__ros__publish_cmd_vel',
          input: { linear: { x: 0.2 }, angular: { z: 0.0 }, duration_s: 2 },
          output: 'published 20 messages on /cmd_vel',
        },
      );
    const denied =
      role === 'cluster'
        ? undefined
        : Math.random() < 0.3
          ? { tool: 'Bash', input: { command: 'kubectl delete pod --all -n ' + t.ns } }
          : undefined;
    const stream = sessionStream({
      sessionId,
      model,
      calls: calls.filter(
        (c) => !(role === 'cluster' && c.input.command?.toString().startsWith('kubectl delete')),
      ),
      ...(denied ? { denied } : {}),
      ...(extra.failed ? { failed: true } : {}),
    });
    const event = agentEventFromClaudeOutput(stream, {
      tenantId: t.id,
      agentRole: role,
      jobId,
      exitCode: extra.failed ? 1 : 0,
      endedAt: at,
      traceId: trace.traceId,
      spanId: trace.spanId,
      ...(extra.variant ? { variant: extra.variant } : {}),
      ...(extra.configVersion ? { agentConfigVersion: extra.configVersion } : {}),
      labels: { source: 'demo' },
    });
    await publisher.publishAgentEvent(event);
    r.agentEvents++;
    return sessionId;
  };

  const lifecycle = async (
    t: Tenant,
    spec: (typeof ROLES)[number],
    jobId: string,
    backfillAt?: Date,
  ): Promise<void> => {
    const trace = childSpan();
    const env = environmentForName(spec.env);
    const actuation = spec.env === 'ros.dev.gpu';
    let model = 'claude-sonnet-4-5';
    let variant: string | undefined;
    let configVersion: number | undefined;
    if (!backfillAt) {
      const config = await t.policy.getAgentConfig(
        { tenantId: t.id, agentRole: spec.role, jobId, environment: env },
        { trace },
      );
      model = config.model || model;
      variant = config.variant || undefined;
      configVersion = config.configVersion;
      const admission = await t.policy.admitJob(
        {
          tenantId: t.id,
          jobId,
          environment: env,
          gpuCount: spec.gpus,
          maxDurationS: 3600,
          estimatedTokens: 20_000,
          agentRole: spec.role,
          traceId: trace.traceId,
        },
        { trace },
      );
      if (!admission.admitted) {
        r.rejected++;
        // The agent learned it could not dispatch: its session still happened.
        await agentSession(t, spec.role, jobId, model, trace, new Date(), {
          failed: true,
          ...(variant ? { variant } : {}),
          ...(configVersion ? { configVersion } : {}),
        });
        if (/rate/i.test(admission.message)) await sleep(1000);
        return;
      }
      r.admitted++;
    }
    const base = backfillAt ?? new Date();
    const sessionId = await agentSession(t, spec.role, jobId, model, trace, base, {
      actuation,
      ...(variant ? { variant } : {}),
      ...(configVersion ? { configVersion } : {}),
    });
    if (actuation) r.actuationSession ??= sessionId;
    // The sample is acme's (the tenant the printed commands and the console walkthrough name).
    if (!r.sampleJob && spec.gpus > 0 && !backfillAt && t.id === acme.id) {
      r.sampleJob = jobId;
      r.sampleSession = sessionId;
    }
    const uid = randomUUID();
    const simulatedS = 600 + Math.floor(Math.random() * 3000);
    const fails = Math.random() < 0.2;
    const step = (o.jobSeconds * 1000) / 3;
    const at = (offsetS: number): Date => new Date(base.getTime() + offsetS * 1000);
    const emit = async (status: RayJob['status']): Promise<void> => {
      const e = executionEventFromRayJob(
        rayJob(t, jobId, uid, spec.env, spec.role, spec.gpus, sessionId, trace, status),
        backfillAt ? at(simulatedS + 60) : new Date(),
      );
      await publisher.publishExecutionEvent(e);
      r.executionEvents++;
      if (status?.endTime) r.gpuSeconds += e.gpuSeconds;
    };
    // Live playback compresses the job: its start is back-dated so gpu_seconds reflect the simulated run.
    const started = backfillAt ? at(30) : new Date(Date.now() - simulatedS * 1000);
    await emit({ jobStatus: 'PENDING', jobDeploymentStatus: 'Initializing' });
    if (!backfillAt) await sleep(step);
    await emit({
      jobId: `raysubmit_${uid.slice(0, 8)}`,
      jobStatus: 'RUNNING',
      jobDeploymentStatus: 'Running',
      startTime: started.toISOString(),
    });
    if (!backfillAt) await sleep(step);
    const ended = backfillAt ? at(30 + simulatedS) : new Date();
    if (!fails) {
      await emit({
        jobId: `raysubmit_${uid.slice(0, 8)}`,
        jobStatus: 'SUCCEEDED',
        jobDeploymentStatus: 'Complete',
        startTime: started.toISOString(),
        endTime: ended.toISOString(),
        succeeded: 1,
      });
      r.succeeded++;
      return;
    }
    await emit({
      jobId: `raysubmit_${uid.slice(0, 8)}`,
      jobStatus: 'FAILED',
      jobDeploymentStatus: 'Failed',
      reason: 'CUDA out of memory (worker 1)',
      startTime: started.toISOString(),
      endTime: ended.toISOString(),
      failed: 1,
    });
    r.failed++;
    // KubeRay retries (backoffLimit): attempt 2 of the same RayJob, which succeeds.
    r.retried++;
    if (!backfillAt) await sleep(step);
    const restarted = backfillAt
      ? at(90 + simulatedS)
      : new Date(Date.now() - Math.floor(simulatedS / 2) * 1000);
    await emit({
      jobId: `raysubmit_${uid.slice(0, 8)}b`,
      jobStatus: 'RUNNING',
      jobDeploymentStatus: 'Running',
      startTime: restarted.toISOString(),
      failed: 1,
    });
    await emit({
      jobId: `raysubmit_${uid.slice(0, 8)}b`,
      jobStatus: 'SUCCEEDED',
      jobDeploymentStatus: 'Complete',
      startTime: restarted.toISOString(),
      endTime: (backfillAt ? at(90 + simulatedS * 1.5) : new Date()).toISOString(),
      failed: 1,
      succeeded: 1,
    });
    r.succeeded++;
  };

  try {
    // 2. Backfill last month (fast, no admissions: those were decided last month).
    const prev = previousPeriod();
    for (let i = 0; i < o.backfill; i++) {
      const t = i % 3 === 2 ? globex : acme;
      const spec = pick(
        ROLES.filter((s) => t.envs.includes(s.env)),
        Math.random(),
      );
      const at = new Date(prev.start.getTime() + (i + 1) * 3600_000 * 6);
      await lifecycle(t, spec, `${o.prefix}-bf-${randomUUID().slice(0, 8)}`, at);
    }
    if (o.backfill > 0) o.log(`backfilled ${o.backfill} jobs into ${prev.label}`);

    // 3. Live workload at the chosen rate.
    const running: Array<Promise<void>> = [];
    let actuationDone = false;
    for (let i = 0; i < o.jobs; i++) {
      // The first job is always acme's notebook with a GPU: the sample job the walkthrough opens.
      const t = i === 0 || Math.random() < 0.7 ? acme : globex;
      let spec =
        i === 0
          ? ROLES[0]
          : pick(
              ROLES.filter((s) => t.envs.includes(s.env) && s.env !== 'ros.dev.gpu'),
              Math.random(),
            );
      if (!actuationDone && t === acme && i >= Math.floor(o.jobs / 3)) {
        spec = ROLES.find((s) => s.env === 'ros.dev.gpu')!;
        actuationDone = true;
      }
      const jobId = `${o.prefix}-job-${randomUUID().slice(0, 8)}`;
      running.push(
        lifecycle(t, spec, jobId).catch((e: Error) => {
          o.log(`job ${jobId}: ${e.message}`);
        }),
      );
      show(false, i + 1);
      await sleep(1000 / o.rate);
    }
    if (!actuationDone)
      running.push(
        lifecycle(
          acme,
          ROLES.find((s) => s.env === 'ros.dev.gpu')!,
          `${o.prefix}-job-${randomUUID().slice(0, 8)}`,
        ),
      );
    const ticker = setInterval(() => show(false, o.jobs), 500);
    await Promise.all(running);
    clearInterval(ticker);
    show(true, o.jobs);
  } finally {
    await publisher.close();
    for (const t of tenants) t.policy.close();
  }
  return r;
}
