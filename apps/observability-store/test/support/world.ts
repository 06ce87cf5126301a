// A small causal world for one tenant, published through NATS like the planes do: a notebook agent
// dispatches job J from session S1 (and fails a pip install on the way), the job runs and succeeds, a
// cluster agent on the same trace drives a robot, a later invocation of S1 follows up, and an unrelated
// notebook failure happens on job K.
import { randomUUID } from 'node:crypto';
import { ExecutionStatus, type AgentEvent, type ExecutionEvent } from '@auraison/contracts';
import { agentEvent, executionEvent } from '@auraison/testing';
import type { Harness } from './harness.js';

export interface World {
  tenant: string;
  jobJ: string;
  jobK: string;
  traceT: string;
  s1: string;
  s2: string;
  s3: string;
  s5: string;
  /** Agent invocations E1..E5 and executions X1..X3, by name. */
  agents: Record<'e1' | 'e2' | 'e3' | 'e4' | 'e5', AgentEvent>;
  executions: Record<'x1' | 'x2' | 'x3', ExecutionEvent>;
  /** When the world starts (E1 ends at start + 1 s, then one second per event). */
  start: Date;
}

export async function buildWorld(h: Harness, tenant?: string): Promise<World> {
  const t = tenant ?? (await h.addTenant());
  const tag = randomUUID().slice(0, 8);
  const jobJ = `job-J-${tag}`;
  const jobK = `job-K-${tag}`;
  const traceT = randomUUID().replace(/-/g, '');
  const [s1, s2, s3, s5] = ['s1', 's2', 's3', 's5'].map((s) => `sess-${s}-${tag}`) as [
    string,
    string,
    string,
    string,
  ];
  const start = new Date(Date.now() - 60 * 60 * 1000);
  const at = (seconds: number): Date => new Date(start.getTime() + seconds * 1000);
  const agents: World['agents'] = {
    e1: agentEvent({
      tenantId: t,
      timestamp: at(1),
      agentRole: 'notebook',
      jobId: jobJ,
      sessionId: s1,
      traceId: traceT,
      toolCalls: [
        {
          tool: 'Bash',
          input: { command: 'pip install torch==9.9' },
          output: 'ERROR: No matching distribution found for torch==9.9',
          durationMs: 4100,
          isError: true,
        },
        {
          tool: 'Bash',
          input: { command: 'ray job submit --working-dir . -- python train.py' },
          output: `Job submitted: ${jobJ}`,
          durationMs: 900,
          startedAt: at(0.5),
        },
      ],
    }),
    e2: agentEvent({
      tenantId: t,
      timestamp: at(5),
      agentRole: 'cluster',
      jobId: jobJ,
      sessionId: s2,
      traceId: traceT,
      toolCalls: [
        {
          tool: 'mcp__ros__publish_cmd_vel',
          input: { linear: { x: 0.4 }, angular: { z: 0 } },
          output: 'ok',
          durationMs: 12,
        },
        {
          tool: 'mcp__nav2__navigate_to_pose',
          input: { x: 3, y: 1.5 },
          output: 'goal accepted',
          durationMs: 40,
        },
        {
          tool: 'Bash',
          input: { command: 'kubectl get rayjobs' },
          output: `${jobJ} RUNNING`,
          durationMs: 300,
        },
      ],
    }),
    e3: agentEvent({
      tenantId: t,
      timestamp: at(6),
      agentRole: 'wandb',
      jobId: '',
      sessionId: s3,
      traceId: traceT,
      toolCalls: [{ tool: 'mcp__wandb__log', input: { run: jobJ }, output: 'logged', durationMs: 80 }],
    }),
    e4: agentEvent({
      tenantId: t,
      timestamp: at(7),
      agentRole: 'notebook',
      jobId: '',
      sessionId: s1,
      toolCalls: [
        { tool: 'Read', input: { file_path: '/work/results.json' }, output: '{"loss": 0.12}', durationMs: 5 },
      ],
    }),
    e5: agentEvent({
      tenantId: t,
      timestamp: at(8),
      agentRole: 'notebook',
      jobId: jobK,
      sessionId: s5,
      exitCode: 1,
      toolCalls: [
        {
          tool: 'Bash',
          input: { command: 'pip install flash-attn' },
          output: 'error: Failed building wheel for flash-attn',
          durationMs: 60000,
          isError: true,
        },
      ],
    }),
  };
  const executions: World['executions'] = {
    x1: executionEvent({
      tenantId: t,
      timestamp: at(2),
      jobId: jobJ,
      status: ExecutionStatus.EXECUTION_STATUS_PENDING,
      gpuSeconds: 0,
      sessionId: s1,
      traceId: traceT,
      eventId: `${jobJ}:PENDING`,
    }),
    x2: executionEvent({
      tenantId: t,
      timestamp: at(3),
      jobId: jobJ,
      status: ExecutionStatus.EXECUTION_STATUS_RUNNING,
      gpuSeconds: 10,
      traceId: traceT,
      eventId: `${jobJ}:RUNNING`,
    }),
    x3: executionEvent({
      tenantId: t,
      timestamp: at(4),
      jobId: jobJ,
      status: ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
      gpuSeconds: 3600,
      traceId: traceT,
      eventId: `${jobJ}:SUCCEEDED`,
    }),
  };
  // Published out of time order, as independent producers would.
  for (const e of [agents.e5, agents.e2, agents.e1, agents.e4, agents.e3]) await h.publishAgent(e);
  for (const x of [executions.x3, executions.x1, executions.x2]) await h.publishExecution(x);
  await h.waitStored([...Object.values(agents), ...Object.values(executions)].map((e) => e.eventId));
  return { tenant: t, jobJ, jobK, traceT, s1, s2, s3, s5, agents, executions, start };
}
