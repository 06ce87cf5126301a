// Canonical NATS names of the management plane (DESIGN §4). Deployments use them as they are; tests
// and parallel local runs put them under a namespace through the messaging library.

/** Subjects the plane publishes and consumes. */
export const SUBJECTS = {
  agentEvents: 'mp.agent.events',
  executionEvents: 'mp.execution.events',
  policyRequests: 'mp.policy.requests',
  tenantEvents: 'mp.tenant.events',
  evalSummaries: 'mp.eval.summaries',
  alerts: 'mp.alerts',
  auditCheckpoints: 'mp.audit.checkpoints',
} as const;

export type SubjectName = (typeof SUBJECTS)[keyof typeof SUBJECTS];

/** Prefix of dead-letter subjects; one per source stream: `mp.dlq.<STREAM>`. */
export const DLQ_SUBJECT_PREFIX = 'mp.dlq';

/** The dead-letter subject for messages that came from `stream`. */
export function dlqSubject(stream: string): string {
  return `${DLQ_SUBJECT_PREFIX}.${stream}`;
}

/** Queue group shared by every policy-engine replica answering `mp.policy.requests`. */
export const POLICY_REQUESTS_QUEUE = 'policy-engine';

/** Message types carried by each subject (fully qualified protobuf names). */
export const SUBJECT_MESSAGE_TYPES = {
  [SUBJECTS.agentEvents]: 'auraison.mp.v1.AgentEvent',
  [SUBJECTS.executionEvents]: 'auraison.mp.v1.ExecutionEvent',
  [SUBJECTS.tenantEvents]: 'auraison.mp.v1.TenantEvent',
  [SUBJECTS.evalSummaries]: 'auraison.mp.v1.EvaluationSummary',
  [SUBJECTS.alerts]: 'auraison.mp.v1.Alert',
} as const;
