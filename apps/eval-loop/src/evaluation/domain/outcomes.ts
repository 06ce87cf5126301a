// Joins what the inputs say about a window into one outcome per terminal execution: the execution
// events give status, environment and duration; the agent events that touched the job give the role,
// model, experiment variant and tokens; billing gives the job's cost and W&B its runs' metrics. Pure.
import type { JobOutcome, JobStatus } from './signals.js';

export type ExecutionStatusName = 'pending' | 'running' | JobStatus;

export const TERMINAL_STATUSES: ReadonlySet<ExecutionStatusName> = new Set([
  'succeeded',
  'failed',
  'stopped',
]);

/** An ExecutionEvent as the observability store returns it (what evaluation needs of it). */
export interface ExecutionRecord {
  eventId: string;
  jobId: string;
  rayJobId: string;
  attempt?: number;
  timestamp: Date;
  environment: string;
  status: ExecutionStatusName;
  startedAt?: Date;
  endedAt?: Date;
  agentRole?: string;
  variant?: string;
  labels: Readonly<Record<string, string>>;
}

/** An AgentEvent as the observability store returns it (what evaluation needs of it). */
export interface AgentRecord {
  eventId: string;
  jobId: string;
  timestamp: Date;
  agentRole: string;
  model?: string;
  variant?: string;
  experimentId?: string;
  tokensIn: number;
  tokensOut: number;
  labels: Readonly<Record<string, string>>;
}

export interface OutcomeInputs {
  tenantId: string;
  executions: readonly ExecutionRecord[];
  agents: readonly AgentRecord[];
  /** Cost of each job (all its usage lines) in micro-units, for the jobs billing knows. */
  costs?: ReadonlyMap<string, bigint>;
  /** Numeric W&B summary metrics per job (averaged over the job's runs). */
  wandb?: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

/** A JobOutcome with the time of its terminal event, to cut windows of other lengths. */
export type TimedOutcome = JobOutcome & { finishedAt: Date };

function hasKeys(o: Readonly<Record<string, string>>): boolean {
  for (const _ in o) return true;
  return false;
}

interface AgentSummary {
  first: AgentRecord;
  tokens: number;
}

interface Attempt {
  terminal?: ExecutionRecord;
  firstRunning?: Date;
}

/**
 * One outcome per terminal execution (a retried job has one per attempt; when an attempt reports
 * several terminal statuses, its latest counts). The job's tokens, cost and W&B metrics belong to its
 * latest outcome, so they are counted once.
 */
export function buildOutcomes(inputs: OutcomeInputs): TimedOutcome[] {
  const agents = new Map<string, AgentSummary>();
  for (const a of inputs.agents) {
    if (!a.jobId) continue;
    const seen = agents.get(a.jobId);
    const tokens = a.tokensIn + a.tokensOut;
    if (!seen) agents.set(a.jobId, { first: a, tokens });
    else {
      seen.tokens += tokens;
      if (a.timestamp.getTime() < seen.first.timestamp.getTime()) seen.first = a;
    }
  }
  const attempts = new Map<string, Attempt>();
  for (const e of inputs.executions) {
    const key = `${e.jobId}\u0000${e.rayJobId}\u0000${e.attempt ?? 1}`;
    let attempt = attempts.get(key);
    if (!attempt) attempts.set(key, (attempt = {}));
    if (TERMINAL_STATUSES.has(e.status)) {
      if (!attempt.terminal || attempt.terminal.timestamp.getTime() < e.timestamp.getTime())
        attempt.terminal = e;
    } else if (e.status === 'running') {
      if (!attempt.firstRunning || e.timestamp.getTime() < attempt.firstRunning.getTime())
        attempt.firstRunning = e.timestamp;
    }
  }
  const outcomes: TimedOutcome[] = [];
  const latestOfJob = new Map<string, TimedOutcome>();
  for (const { terminal: e, firstRunning } of attempts.values()) {
    if (!e) continue;
    const agent = agents.get(e.jobId)?.first;
    const started = e.startedAt ?? firstRunning;
    const ended = e.endedAt ?? e.timestamp;
    const outcome: TimedOutcome = {
      jobId: e.jobId,
      tenantId: inputs.tenantId,
      agentRole: e.agentRole || agent?.agentRole || 'unknown',
      environment: e.environment,
      model: agent?.model ?? '',
      variant: e.variant || agent?.variant || '',
      experimentId: agent?.experimentId ?? '',
      // One object per outcome only when both sides have labels to merge.
      labels: agent && hasKeys(agent.labels) ? { ...agent.labels, ...e.labels } : e.labels,
      status: e.status as JobStatus,
      durationMs: started ? Math.max(0, ended.getTime() - started.getTime()) : undefined,
      tokens: 0,
      // The terminal event's time: the window is cut on event times, like the store's range queries.
      finishedAt: e.timestamp,
    };
    outcomes.push(outcome);
    const latest = latestOfJob.get(e.jobId);
    if (!latest || latest.finishedAt.getTime() < outcome.finishedAt.getTime())
      latestOfJob.set(e.jobId, outcome);
  }
  for (const [jobId, outcome] of latestOfJob) {
    outcome.tokens = agents.get(jobId)?.tokens ?? 0;
    const cost = inputs.costs?.get(jobId);
    if (cost !== undefined) outcome.costMicros = cost;
    const wandb = inputs.wandb?.get(jobId);
    if (wandb) outcome.wandb = wandb;
  }
  return outcomes;
}

/** The outcomes that finished in [start, end). */
export function outcomesWithin<T extends { finishedAt: Date }>(
  outcomes: readonly T[],
  start: Date,
  end: Date,
): T[] {
  const from = start.getTime();
  const to = end.getTime();
  return outcomes.filter((o) => {
    const t = o.finishedAt.getTime();
    return t >= from && t < to;
  });
}

/** The job ids whose outcomes are in `outcomes` (for billing and W&B look-ups). */
export function jobIdsOf(outcomes: readonly JobOutcome[]): string[] {
  return [...new Set(outcomes.map((o) => o.jobId))];
}

/** Averages the numeric summary metrics of each job's W&B runs. */
export function wandbMetricsByJob(
  runs: ReadonlyArray<{ jobId: string | undefined; summary: Readonly<Record<string, unknown>> }>,
): Map<string, Record<string, number>> {
  const sums = new Map<string, Map<string, { sum: number; n: number }>>();
  for (const run of runs) {
    if (!run.jobId) continue;
    let job = sums.get(run.jobId);
    if (!job) sums.set(run.jobId, (job = new Map<string, { sum: number; n: number }>()));
    for (const [k, v] of Object.entries(run.summary)) {
      // W&B's own bookkeeping (_step, _runtime, _timestamp, _wandb) is not a metric of the agent.
      if (k.startsWith('_') || typeof v !== 'number' || !Number.isFinite(v)) continue;
      const s = job.get(k) ?? { sum: 0, n: 0 };
      s.sum += v;
      s.n += 1;
      job.set(k, s);
    }
  }
  return new Map(
    [...sums].map(([jobId, metrics]) => [
      jobId,
      Object.fromEntries([...metrics].map(([k, s]) => [k, s.sum / s.n])),
    ]),
  );
}
