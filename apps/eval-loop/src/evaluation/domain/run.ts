// An evaluation run of one tenant: queued by a trigger, claimed by one replica at a time, finished as
// succeeded, degraded (an optional input was missing) or failed (after its retries).
import type { ExperimentFigures } from './signals.js';

export const RUN_TRIGGERS = ['schedule', 'execution_count', 'manual'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'degraded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Finished with signals (a summary exists). */
export const SUMMARY_STATUSES: readonly RunStatus[] = ['succeeded', 'degraded'];

export interface EvaluationRun {
  id: string;
  tenantId: string;
  trigger: RunTrigger;
  status: RunStatus;
  windowHours: number;
  /** Known once the run starts (scheduled runs: from the start, ending at their fire time). */
  windowStart?: Date;
  windowEnd?: Date;
  scheduledFor?: Date;
  requestedBy?: string;
  /** Attempts started so far. */
  attempt: number;
  nextAttemptAt: Date;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  degradedReason?: string;
  /** The last attempt's error (also while a retry is queued). */
  error?: string;
  /** How much input the run read: executions, agent_events, jobs, wandb_runs... */
  inputs: Record<string, number>;
  /** Milliseconds spent per phase: fetch, compute, store. */
  timings: Record<string, number>;
  experiments: ExperimentFigures[];
  summaryEventId?: string;
}

/** Delay before attempt `attempt + 1` after attempt `attempt` failed: base, 2 x base, 4 x base... (1 h cap). */
export function runRetryDelayMs(attempt: number, baseMs: number): number {
  return Math.min(3_600_000, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** The window a run evaluates: `hours` ending at `end`. */
export function windowEndingAt(end: Date, hours: number): { start: Date; end: Date } {
  return { start: new Date(end.getTime() - hours * 3_600_000), end };
}
