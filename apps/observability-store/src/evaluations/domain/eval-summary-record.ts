// An EvaluationSummary as stored: its proto3 JSON (original field names) as canonical JSON, plus the
// columns it is listed by. Unknown enum values and impossible windows are refused with the reason.
import {
  Environment,
  EvaluationSummaryMessage,
  EvaluationTrigger,
  toProtoJson,
  type EvaluationSummary,
} from '@auraison/contracts';
import { canonicalJson } from '../../common/domain/canonical-json.js';
import { EARLIEST_TIMESTAMP } from '../../ingest/domain/history-record.js';

export interface EvalSummaryRecord {
  eventId: string;
  /** Lowercase UUID, or null for a platform-wide evaluation. */
  tenantId: string | null;
  runId: string;
  occurredAt: Date;
  windowStart: Date;
  windowEnd: Date;
  body: string;
}

export type EvalSummaryResult = { ok: true; record: EvalSummaryRecord } | { ok: false; reason: string };

const KNOWN_TRIGGERS = new Set<number>([
  EvaluationTrigger.EVALUATION_TRIGGER_SCHEDULE,
  EvaluationTrigger.EVALUATION_TRIGGER_EXECUTION_COUNT,
  EvaluationTrigger.EVALUATION_TRIGGER_MANUAL,
]);
const KNOWN_ENVIRONMENTS = new Set<number>([
  Environment.ENVIRONMENT_UNSPECIFIED,
  Environment.ENVIRONMENT_TORCH_DEV_GPU,
  Environment.ENVIRONMENT_ROS_DEV_GPU,
]);

export function evalSummaryRecord(
  e: EvaluationSummary,
  nowMs: number,
  maxFutureMs: number,
): EvalSummaryResult {
  const problems: string[] = [];
  if (!KNOWN_TRIGGERS.has(e.trigger)) problems.push(`trigger has an unknown value ${e.trigger}`);
  e.signals.forEach((s, i) => {
    if (!KNOWN_ENVIRONMENTS.has(s.environment))
      problems.push(`signals[${i}].environment has an unknown value ${s.environment}`);
  });
  for (const [field, value] of [
    ['timestamp', e.timestamp],
    ['window_start', e.windowStart],
    ['window_end', e.windowEnd],
  ] as const) {
    const t = value?.getTime() ?? 0;
    if (t < EARLIEST_TIMESTAMP) problems.push(`${field} is before 2000-01-01`);
    else if (t > nowMs + maxFutureMs)
      problems.push(`${field} is more than ${maxFutureMs / 3_600_000} h in the future`);
  }
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  return {
    ok: true,
    record: {
      eventId: e.eventId,
      tenantId: e.tenantId ? e.tenantId.toLowerCase() : null,
      runId: e.runId,
      occurredAt: e.timestamp!,
      windowStart: e.windowStart!,
      windowEnd: e.windowEnd!,
      body: canonicalJson(toProtoJson(EvaluationSummaryMessage, e)),
    },
  };
}
