// Demo data for the console's end-to-end test, through the plane's real doors: tenants, members and
// API keys through the tenant registry's HTTP API (via the console's gateway), agent and execution
// events on NATS JetStream as the control and user planes publish them.
import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import {
  AgentEventMessage,
  Environment,
  ExecutionEventMessage,
  ExecutionStatus,
  SUBJECTS,
  type AgentEvent,
  type ExecutionEvent,
} from '@auraison/contracts';
import { agentEvent, executionEvent, natsUrl } from '@auraison/testing';
import { type Plane, waitFor } from './plane.js';

export interface Seeded {
  tenant: { id: string; slug: string };
  adminKey: string;
  viewerKey: string;
  viewerToken: string;
  failedJobId: string;
  failedSessionId: string;
  statementPeriod: string;
}

async function call<T>(
  plane: Plane,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${plane.url('console')}/api/${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function tokenFor(plane: Plane, apiKey: string): Promise<string> {
  return (
    await call<{ access_token: string }>(plane, undefined, 'POST', 'tenant-registry/api/v1/auth/token', {
      api_key: apiKey,
    })
  ).access_token;
}

/** The first day of the month before `now`, at 10:00 UTC, and its period label. */
function lastMonth(now = new Date()): { at: Date; label: string } {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 3, 10));
  return { at, label: at.toISOString().slice(0, 7) };
}

export async function seed(plane: Plane): Promise<Seeded> {
  const root = await tokenFor(plane, plane.adminKey);
  const slug = `acme-${randomUUID().slice(0, 6)}`;
  const tenant = await call<{ id: string; slug: string }>(
    plane,
    root,
    'POST',
    'tenant-registry/api/v1/tenants',
    {
      slug,
      name: 'Acme Robotics',
      allowed_environments: ['torch.dev.gpu', 'ros.dev.gpu'],
      quota: {
        gpu_hours_per_period: 500,
        token_budget_per_period: 50_000_000,
        max_jobs_in_flight: 10,
        default_max_job_duration_s: 7200,
        period_anchor_day: 1,
        max_gpus: 8,
        cpu_cores: 64,
        memory_gib: 256,
      },
    },
  );
  const member = async (role: string) => {
    const m = await call<{ id: string }>(
      plane,
      root,
      'POST',
      `tenant-registry/api/v1/tenants/${tenant.id}/users`,
      {
        email: `${role.replace('_', '-')}-${randomUUID().slice(0, 6)}@acme.example`,
        display_name: role === 'viewer' ? 'Vera Viewer' : 'Ada Admin',
        role,
      },
    );
    const key = await call<{ api_key: string }>(
      plane,
      root,
      'POST',
      `tenant-registry/api/v1/tenants/${tenant.id}/api-keys`,
      {
        name: `${role} console key`,
        user_id: m.id,
      },
    );
    return { id: m.id, key: key.api_key };
  };
  const admin = await member('tenant_admin');
  const adminKey = admin.key;
  const viewerKey = (await member('viewer')).key;
  const viewerToken = await tokenFor(plane, viewerKey);

  // The other services learn of the tenant from MP_TENANT_EVENTS: wait until they know it.
  await waitFor("the policy engine to know the tenant's quota", async () => {
    const q = await call<{ gpu_hours_limit: number }>(
      plane,
      root,
      'GET',
      `policy-engine/api/v1/policy/quota?tenant_id=${tenant.id}`,
    );
    return q.gpu_hours_limit > 0 ? true : undefined;
  });

  const { at: before, label: statementPeriod } = lastMonth();
  const now = Date.now();
  const minutesAgo = (m: number) => new Date(now - m * 60_000);
  const failedJobId = `job-train-${randomUUID().slice(0, 8)}`;
  const failedSessionId = `sess-${randomUUID()}`;
  const tenantId = tenant.id;

  const agents: AgentEvent[] = [
    agentEvent({
      tenantId,
      userId: admin.id,
      agentRole: 'notebook',
      jobId: failedJobId,
      sessionId: failedSessionId,
      eventId: `${failedSessionId}:msg_1`,
      timestamp: minutesAgo(30),
      model: 'claude-sonnet-4-5',
      tokensIn: 18_400,
      tokensOut: 2_150,
      exitCode: 1,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      toolCalls: [
        { tool: 'Read', input: { file_path: './train.py' }, output: 'import torch\n…', durationMs: 40 },
        {
          tool: 'Bash',
          input: { command: 'pip install flash-attn' },
          output: 'Permission to use Bash with command pip install flash-attn has been denied.',
          durationMs: 3,
          permissionDenied: true,
          isError: true,
        },
        {
          tool: 'Bash',
          input: { command: 'kubectl apply -f rayjob.yaml' },
          output: 'rayjob.ray.io/train created',
          durationMs: 850,
        },
        {
          tool: 'Bash',
          input: { command: 'kubectl get rayjob train -o jsonpath={.status.jobStatus}' },
          output: 'FAILED',
          durationMs: 420,
          isError: false,
        },
      ],
    }),
    agentEvent({
      tenantId,
      userId: admin.id,
      agentRole: 'cluster',
      timestamp: minutesAgo(20),
      model: 'claude-haiku-4-5',
      tokensIn: 5_200,
      tokensOut: 800,
    }),
    agentEvent({
      tenantId,
      userId: admin.id,
      agentRole: 'wandb',
      timestamp: minutesAgo(10),
      tokensIn: 7_000,
      tokensOut: 1_200,
    }),
    // Last month, for the statement.
    agentEvent({
      tenantId,
      userId: admin.id,
      agentRole: 'lakehouse',
      timestamp: before,
      tokensIn: 40_000,
      tokensOut: 9_000,
    }),
  ];
  const ray = `raysubmit_${randomUUID().slice(0, 8)}`;
  const executions: ExecutionEvent[] = [
    executionEvent({
      tenantId,
      jobId: failedJobId,
      rayJobId: ray,
      eventId: `${ray}:RUNNING:1`,
      status: ExecutionStatus.EXECUTION_STATUS_RUNNING,
      gpuSeconds: 0,
      timestamp: minutesAgo(29),
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    }),
    executionEvent({
      tenantId,
      jobId: failedJobId,
      rayJobId: ray,
      eventId: `${ray}:FAILED:1`,
      status: ExecutionStatus.EXECUTION_STATUS_FAILED,
      gpuSeconds: 1_260,
      gpuCount: 2,
      timestamp: minutesAgo(25),
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    }),
    executionEvent({
      tenantId,
      status: ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
      gpuSeconds: 5_400,
      timestamp: minutesAgo(15),
    }),
    executionEvent({
      tenantId,
      environment: Environment.ENVIRONMENT_ROS_DEV_GPU,
      status: ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
      gpuSeconds: 1_800,
      timestamp: minutesAgo(5),
    }),
    executionEvent({
      tenantId,
      status: ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
      gpuSeconds: 7_200,
      timestamp: before,
    }),
  ];

  // The control plane asks the policy engine to admit the job before it submits the RayJob.
  const admission = await call<{ admitted: boolean }>(
    plane,
    root,
    'POST',
    'policy-engine/api/v1/policy/admissions',
    {
      tenant_id: tenantId,
      job_id: failedJobId,
      environment: 'torch.dev.gpu',
      agent_role: 'notebook',
      gpu_count: 2,
      max_duration_s: 3600,
      estimated_tokens: 20_000,
    },
  );
  if (!admission.admitted) throw new Error(`the failed job was not admitted: ${JSON.stringify(admission)}`);

  const nc = await connect({ servers: natsUrl() });
  try {
    const js = jetstream(nc);
    const subject = (s: string) => `${plane.namespace}.${s}`;
    const h = () => {
      const x = headers();
      x.set('Content-Type', 'application/protobuf');
      return x;
    };
    for (const e of agents)
      await js.publish(subject(SUBJECTS.agentEvents), AgentEventMessage.encode(e), {
        msgID: e.eventId,
        headers: h(),
      });
    for (const e of executions)
      await js.publish(subject(SUBJECTS.executionEvents), ExecutionEventMessage.encode(e), {
        msgID: e.eventId,
        headers: h(),
      });
  } finally {
    await nc.close();
  }

  // Until the services have recorded and priced them.
  await waitFor('the failed job in the observability store', async () => {
    const t = await call<{ status: string | null }>(
      plane,
      root,
      'GET',
      `observability-store/api/v1/jobs/${failedJobId}/trace?tenant_id=${tenantId}`,
    );
    return t.status === 'failed' ? true : undefined;
  });
  await waitFor('last month in billing', async () => {
    const u = await call<{ total: { events: number } }>(
      plane,
      root,
      'GET',
      `billing/api/v1/billing/usage?tenant_id=${tenantId}&period=${statementPeriod}`,
    );
    return u.total.events >= 2 ? true : undefined;
  });
  await waitFor('this month in billing', async () => {
    const u = await call<{ total: { events: number } }>(
      plane,
      root,
      'GET',
      `billing/api/v1/billing/usage?tenant_id=${tenantId}`,
    );
    return u.total.events >= 6 ? true : undefined;
  });
  return { tenant, adminKey, viewerKey, viewerToken, failedJobId, failedSessionId, statementPeriod };
}
