// What an evaluation reads, behind small injected classes so the runner is tested against real
// services or stand-ins alike: events from the observability store, job costs from billing, W&B runs.
import type { AgentRecord, ExecutionRecord } from '../../evaluation/domain/outcomes.js';

/** The events of one tenant in [start, end). */
export interface EventWindow {
  tenantId: string;
  start: Date;
  end: Date;
}

/**
 * An optional input could not be read (not configured, unreachable, refused): the run goes on
 * without it and is marked degraded with this reason.
 */
export class InputUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputUnavailableError';
  }
}

/** The observability store: the execution and agent events of a window (required input). */
export abstract class EventSource {
  /** Every ExecutionEvent of the window (any status). */
  abstract executions(window: EventWindow): Promise<ExecutionRecord[]>;
  /** Every AgentEvent of the window that names a job. */
  abstract agentEvents(window: EventWindow): Promise<AgentRecord[]>;
}

/** Job costs, and why some may be missing although billing was reachable. */
export interface JobCosts {
  /** Cost in micro-units of each job billing knows (all its usage priced). */
  costs: Map<string, bigint>;
  /** Set when jobs that billing may know were left out (the run says so, degraded). */
  incomplete?: string;
}

/** Billing: what each job cost (optional input: without it, costs are unknown). */
export abstract class CostSource {
  /** The costs of `jobIds`; throws InputUnavailableError when billing cannot be read. */
  abstract jobCosts(tenantId: string, jobIds: readonly string[], window: EventWindow): Promise<JobCosts>;
}

/** W&B: the summary metrics of the runs linked to jobs (optional input). */
export abstract class WandbSource {
  /** Numeric summary metrics per job id (averaged over its runs); throws InputUnavailableError. */
  abstract metricsByJob(
    jobIds: readonly string[],
  ): Promise<{ runs: number; metrics: Map<string, Record<string, number>> }>;
}
