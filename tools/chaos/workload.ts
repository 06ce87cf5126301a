// The chaos workload and its ground truth: jobs admitted over the policy engine's HTTP API, each with an
// agent session (AgentEvent) and a Ray job going PENDING -> RUNNING -> SUCCEEDED or FAILED
// (ExecutionEvents with GPU seconds), published to JetStream with Nats-Msg-Id = event id. Everything
// is retried until it is acknowledged, whatever is down, so what was acknowledged is exactly what the
// plane must hold afterwards.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentEvent, ExecutionEvent } from '@auraison/contracts';

// Loaded when the workload starts (the bench suites load the contracts lazily, so the tools project
// may not import them statically).
type Contracts = typeof import('@auraison/contracts');
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';

export interface Tenant {
  id: string;
  token: string;
}

/** What was acknowledged: the ground truth the plane is checked against. */
export interface GroundTruth {
  /** Event ids per tenant, agent and execution. */
  events: Map<string, Set<string>>;
  agentEvents: number;
  executionEvents: number;
  terminalExecutions: number;
  /** Admitted jobs per tenant, and their GPU milliseconds. */
  admitted: Map<string, number>;
  gpuMs: Map<string, number>;
  rejected: number;
  retries: number;
}

export function emptyTruth(): GroundTruth {
  return {
    events: new Map(),
    agentEvents: 0,
    executionEvents: 0,
    terminalExecutions: 0,
    admitted: new Map(),
    gpuMs: new Map(),
    rejected: 0,
    retries: 0,
  };
}

export interface WorkloadOptions {
  natsUrl: string;
  policyUrl: string;
  tenants: readonly Tenant[];
  /** Jobs started per second, over all workers. */
  jobsPerSecond: number;
  /** Jobs in flight at most. */
  concurrency: number;
}

const add = (map: Map<string, number>, key: string, n: number): void => {
  map.set(key, (map.get(key) ?? 0) + n);
};

export class Workload {
  readonly truth = emptyTruth();
  private stopped = false;
  private started = 0;
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private runners: Array<Promise<void>> = [];
  private c!: Contracts;

  constructor(private readonly options: WorkloadOptions) {}

  get jobsStarted(): number {
    return this.started;
  }

  async start(): Promise<void> {
    this.c = await import('@auraison/contracts');
    // Reconnect forever: the suite restarts NATS under it.
    this.nc = await connect({
      servers: this.options.natsUrl,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    this.js = jetstream(this.nc, { timeout: 5000 });
    const began = Date.now();
    const interval = 1000 / this.options.jobsPerSecond;
    for (let w = 0; w < this.options.concurrency; w++) {
      this.runners.push(
        (async () => {
          while (!this.stopped) {
            // Pace the whole workload: job n starts no earlier than n x interval.
            const n = this.started++;
            const due = began + n * interval;
            if (due > Date.now()) await sleep(due - Date.now());
            if (this.stopped) break;
            await this.job(this.options.tenants[n % this.options.tenants.length]!, n);
          }
        })(),
      );
    }
  }

  /** Stops starting jobs and waits for those in flight to be fully acknowledged. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.runners);
    await this.nc?.close();
  }

  private async job(tenant: Tenant, n: number): Promise<void> {
    const { AgentEventMessage, Environment, ExecutionEventMessage, ExecutionStatus, Plane, SUBJECTS } =
      this.c;
    const jobId = `chaos-${n}-${randomUUID().slice(0, 8)}`;
    const environment = n % 7 === 3 ? 'ros.dev.gpu' : 'torch.dev.gpu';
    const admitted = await this.admit(tenant, jobId, environment);
    if (!admitted) {
      this.truth.rejected++;
      return;
    }
    add(this.truth.admitted, tenant.id, 1);
    const sessionId = `sess-${randomUUID()}`;
    const agent: AgentEvent = {
      eventId: `${sessionId}:msg_1`,
      timestamp: new Date(),
      plane: Plane.PLANE_CONTROL,
      agentRole: 'cluster',
      jobId,
      sessionId,
      toolCalls: [
        {
          tool: 'Bash',
          input: { command: `ray job submit --job-id ${jobId}` },
          output: 'submitted',
          durationMs: 80,
        },
      ],
      tokensIn: 1000 + (n % 50),
      tokensOut: 200,
      exitCode: 0,
      tenantId: tenant.id,
      model: 'claude-sonnet-4-5',
      labels: { job_kind: n % 3 === 0 ? 'lakehouse' : 'notebook' },
    };
    await this.publish(SUBJECTS.agentEvents, AgentEventMessage.encode(agent), agent.eventId, tenant.id);
    this.truth.agentEvents++;
    const rayJobId = `raysubmit_${randomUUID().slice(0, 12)}`;
    const failed = n % 10 === 7;
    const gpuSeconds = 30 + (n % 17);
    const statuses = [
      ExecutionStatus.EXECUTION_STATUS_PENDING,
      ExecutionStatus.EXECUTION_STATUS_RUNNING,
      failed ? ExecutionStatus.EXECUTION_STATUS_FAILED : ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
    ];
    for (const [i, status] of statuses.entries()) {
      const terminal = i === statuses.length - 1;
      const event: ExecutionEvent = {
        eventId: `${rayJobId}:${ExecutionStatus[status]}:1`,
        timestamp: new Date(),
        plane: Plane.PLANE_USER,
        jobId,
        environment:
          environment === 'ros.dev.gpu'
            ? Environment.ENVIRONMENT_ROS_DEV_GPU
            : Environment.ENVIRONMENT_TORCH_DEV_GPU,
        rayJobId,
        status,
        gpuSeconds: terminal ? gpuSeconds : 0,
        tenantId: tenant.id,
        gpuCount: 1,
        labels: {},
      };
      await this.publish(
        SUBJECTS.executionEvents,
        ExecutionEventMessage.encode(event),
        event.eventId,
        tenant.id,
      );
      this.truth.executionEvents++;
      if (terminal) {
        this.truth.terminalExecutions++;
        add(this.truth.gpuMs, tenant.id, gpuSeconds * 1000);
      }
    }
  }

  /** AdmitJob over HTTP, retried until the policy engine answers; the decision. */
  private async admit(tenant: Tenant, jobId: string, environment: string): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${this.options.policyUrl}/api/v1/policy/admissions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            job_id: jobId,
            environment,
            agent_role: 'cluster',
            gpu_count: 1,
            max_duration_s: 600,
            estimated_tokens: 5000,
          }),
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status === 200) return ((await res.json()) as { admitted: boolean }).admitted;
        if (res.status < 500 && res.status !== 429)
          throw new Error(`admission answered ${res.status}: ${await res.text()}`);
      } catch (err) {
        if ((err as Error).message.startsWith('admission answered')) throw err;
      }
      this.truth.retries++;
      await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)));
    }
  }

  /** Publishes until JetStream acknowledges it (the same Nats-Msg-Id every time: never twice). */
  private async publish(subject: string, data: Uint8Array, eventId: string, tenantId: string): Promise<void> {
    const h = headers();
    h.set(this.c.CONTENT_TYPE_HEADER, this.c.CONTENT_TYPE_PROTOBUF);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.js!.publish(subject, data, { msgID: eventId, headers: h, timeout: 5000 });
        let set = this.truth.events.get(tenantId);
        if (!set) this.truth.events.set(tenantId, (set = new Set()));
        set.add(eventId);
        return;
      } catch {
        this.truth.retries++;
        await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)));
      }
    }
  }
}
