// The EvaluationSummary message of a finished run (published on mp.eval.summaries). Pure mapping.
import {
  environmentFromName,
  Environment,
  EvaluationTrigger,
  type EvaluationSummary,
  type ExperimentComparison,
  type Signal,
} from '@auraison/contracts';
import type { EvaluationRun, RunTrigger } from './run.js';
import type { ExperimentFigures, SignalFigures } from './signals.js';

const TRIGGERS: Record<RunTrigger, EvaluationTrigger> = {
  schedule: EvaluationTrigger.EVALUATION_TRIGGER_SCHEDULE,
  execution_count: EvaluationTrigger.EVALUATION_TRIGGER_EXECUTION_COUNT,
  manual: EvaluationTrigger.EVALUATION_TRIGGER_MANUAL,
};

/** The summary's event id: one per run, so a republished summary is deduplicated downstream. */
export function summaryEventId(runId: string): string {
  return `eval-loop:summary:${runId}`;
}

// Protobuf doubles carry NaN, but proto3 JSON readers and dashboards do badly with it: 0 means "not
// known" for latencies (the run count says how many runs there were).
const finite = (x: number): number => (Number.isFinite(x) ? x : 0);

export function toSignalMessage(s: SignalFigures): Signal {
  return {
    agentRole: s.agentRole,
    environment: environmentFromName(s.environment) ?? Environment.ENVIRONMENT_UNSPECIFIED,
    model: s.model,
    variant: s.variant,
    jobLabel: s.jobLabel,
    runs: s.runs,
    successes: s.successes,
    successRate: s.successRate,
    successRateCiLow: s.ciLow,
    successRateCiHigh: s.ciHigh,
    latencyP50Ms: finite(s.latencyP50Ms),
    latencyP90Ms: finite(s.latencyP90Ms),
    latencyP99Ms: finite(s.latencyP99Ms),
    tokensPerSuccess: s.tokensPerSuccess,
    costMicrosPerSuccess: s.costMicrosPerSuccess === null ? 0 : Number(s.costMicrosPerSuccess),
    wandbMetricDeltas: { ...s.wandbMetricDeltas },
    text: s.text,
  };
}

export function toExperimentMessage(e: ExperimentFigures): ExperimentComparison {
  return { ...e };
}

export function toSummaryMessage(
  run: Pick<EvaluationRun, 'id' | 'tenantId' | 'trigger' | 'degradedReason'> & {
    windowStart: Date;
    windowEnd: Date;
    finishedAt: Date;
  },
  signals: readonly SignalFigures[],
  experiments: readonly ExperimentFigures[],
): EvaluationSummary {
  return {
    eventId: summaryEventId(run.id),
    timestamp: run.finishedAt,
    runId: run.id,
    windowStart: run.windowStart,
    windowEnd: run.windowEnd,
    trigger: TRIGGERS[run.trigger],
    signals: signals.map(toSignalMessage),
    experiments: experiments.map(toExperimentMessage),
    degraded: run.degradedReason !== undefined,
    degradedReason: run.degradedReason ?? '',
    tenantId: run.tenantId,
  };
}
