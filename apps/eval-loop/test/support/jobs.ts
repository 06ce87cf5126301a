// Known job sets for end-to-end tests: each job is an AgentEvent that dispatched it and the terminal
// ExecutionEvent of its RayJob, with chosen outcomes, durations, tokens and labels.
import { randomUUID } from 'node:crypto';
import { Environment, ExecutionStatus, type AgentEvent, type ExecutionEvent } from '@auraison/contracts';
import { agentEvent, executionEvent } from '@auraison/testing';

export interface JobSpec {
  tenantId: string;
  count: number;
  /** How many of them fail (the first `failed` jobs). */
  failed?: number;
  role?: string;
  environment?: Environment;
  model?: string;
  variant?: string;
  experimentId?: string;
  labels?: Record<string, string>;
  /** Duration of job i (0-based) in ms (default 1 s). */
  durationMs?: (i: number) => number;
  tokensIn?: number;
  tokensOut?: number;
  /** When the jobs end: `endAt(i)` (default: spread over the hour before now). */
  endAt?: (i: number) => Date;
  jobIdPrefix?: string;
}

export interface GeneratedJobs {
  jobIds: string[];
  executions: ExecutionEvent[];
  agents: AgentEvent[];
}

export function jobs(spec: JobSpec): GeneratedJobs {
  const out: GeneratedJobs = { jobIds: [], executions: [], agents: [] };
  const now = Date.now();
  const prefix = spec.jobIdPrefix ?? `job-${randomUUID().slice(0, 8)}`;
  for (let i = 0; i < spec.count; i++) {
    const jobId = `${prefix}-${i}`;
    const ended =
      spec.endAt?.(i) ?? new Date(now - 3_600_000 + Math.floor((i * 3_000_000) / Math.max(1, spec.count)));
    const started = new Date(ended.getTime() - (spec.durationMs?.(i) ?? 1000));
    const failed = i < (spec.failed ?? 0);
    const rayJobId = `raysubmit_${randomUUID()}`;
    out.jobIds.push(jobId);
    out.agents.push(
      agentEvent({
        tenantId: spec.tenantId,
        jobId,
        timestamp: new Date(started.getTime() - 1000),
        agentRole: spec.role ?? 'notebook',
        model: spec.model ?? 'claude-sonnet-4-5',
        tokensIn: spec.tokensIn ?? 1000,
        tokensOut: spec.tokensOut ?? 200,
        labels: spec.labels ?? {},
        ...(spec.variant ? { variant: spec.variant } : {}),
        ...(spec.experimentId ? { experimentId: spec.experimentId } : {}),
      }),
    );
    out.executions.push(
      executionEvent({
        eventId: `${rayJobId}:${failed ? 'FAILED' : 'SUCCEEDED'}:1`,
        tenantId: spec.tenantId,
        jobId,
        rayJobId,
        timestamp: ended,
        environment: spec.environment ?? Environment.ENVIRONMENT_TORCH_DEV_GPU,
        status: failed ? ExecutionStatus.EXECUTION_STATUS_FAILED : ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
        startedAt: started,
        endedAt: ended,
        attempt: 1,
        labels: spec.labels ?? {},
      }),
    );
  }
  return out;
}
