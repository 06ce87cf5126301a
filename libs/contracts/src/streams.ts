// JetStream streams and durable consumers of the plane, declared once here and provisioned
// idempotently by every service at start-up (libs/messaging).
import { DLQ_SUBJECT_PREFIX, SUBJECTS } from './subjects.js';

/** A JetStream stream the plane relies on. */
export interface StreamDeclaration {
  /** Stream name, e.g. `MP_AGENT_EVENTS`. */
  readonly name: string;
  /** Subjects bound to the stream. */
  readonly subjects: readonly string[];
  /** How long messages are kept, in seconds (0 = forever). */
  readonly maxAgeSeconds: number;
  /** JetStream's duplicate window in seconds (Nats-Msg-Id dedup). */
  readonly duplicateWindowSeconds: number;
  /** Largest message accepted by the stream, in bytes. */
  readonly maxMessageBytes: number;
  /** What the stream holds, for operators. */
  readonly description: string;
}

const DAY = 24 * 60 * 60;
const MIB = 1024 * 1024;

export const STREAMS = {
  agentEvents: {
    name: 'MP_AGENT_EVENTS',
    subjects: [SUBJECTS.agentEvents],
    maxAgeSeconds: 7 * DAY,
    duplicateWindowSeconds: 120,
    maxMessageBytes: MIB,
    description: 'AgentEvent: one finished claude -p invocation with its tool calls (control plane)',
  },
  executionEvents: {
    name: 'MP_EXECUTION_EVENTS',
    subjects: [SUBJECTS.executionEvents],
    maxAgeSeconds: 7 * DAY,
    duplicateWindowSeconds: 120,
    maxMessageBytes: MIB,
    description: 'ExecutionEvent: RayJob status changes (user plane)',
  },
  tenantEvents: {
    name: 'MP_TENANT_EVENTS',
    subjects: [SUBJECTS.tenantEvents],
    // Kept forever: a service deployed later builds its tenant projection by replaying it, and a tenant
    // untouched for months must still be known. The volume is tiny (one event per tenant change).
    maxAgeSeconds: 0,
    duplicateWindowSeconds: 120,
    maxMessageBytes: MIB,
    description: 'TenantEvent: tenant changes (tenant-registry)',
  },
  evalSummaries: {
    name: 'MP_EVAL',
    subjects: [SUBJECTS.evalSummaries],
    maxAgeSeconds: 30 * DAY,
    duplicateWindowSeconds: 120,
    maxMessageBytes: MIB,
    description: 'EvaluationSummary: one evaluation run (eval-loop)',
  },
  alerts: {
    name: 'MP_ALERTS',
    subjects: [SUBJECTS.alerts],
    maxAgeSeconds: 30 * DAY,
    duplicateWindowSeconds: 120,
    maxMessageBytes: MIB,
    description: 'Alert: alert rule transitions (eval-loop, billing, policy-engine)',
  },
  audit: {
    name: 'MP_AUDIT',
    subjects: [SUBJECTS.auditCheckpoints],
    // Checkpoints are what an outside anchor compares the database with: keep a year of them (one per
    // tenant whose chain moved, per checkpoint interval).
    maxAgeSeconds: 365 * DAY,
    duplicateWindowSeconds: 120,
    maxMessageBytes: MIB,
    description:
      'Audit checkpoints: the head (seq, row_hash) of each tenant hash chain (observability-store)',
  },
  dlq: {
    name: 'MP_DLQ',
    subjects: [`${DLQ_SUBJECT_PREFIX}.>`],
    maxAgeSeconds: 30 * DAY,
    duplicateWindowSeconds: 120,
    // Dead letters carry the original bytes plus headers, so allow a little more than the sources.
    maxMessageBytes: 2 * MIB,
    description: 'Dead letters: messages a consumer could not decode, validate or handle, with the reason',
  },
} as const satisfies Record<string, StreamDeclaration>;

export type StreamKey = keyof typeof STREAMS;

/** A durable pull consumer of a stream. */
export interface ConsumerDeclaration {
  /** Key of the stream in STREAMS. */
  readonly stream: StreamKey;
  /** Durable name; every replica of the service shares it. */
  readonly durable: string;
  /** Only messages on this subject (default: all of the stream). */
  readonly filterSubject?: string;
  /** Fully qualified protobuf type of the messages. */
  readonly messageType: string;
}

export const CONSUMERS = {
  observabilityAgentEvents: {
    stream: 'agentEvents',
    durable: 'observability-store',
    messageType: 'auraison.mp.v1.AgentEvent',
  },
  observabilityExecutionEvents: {
    stream: 'executionEvents',
    durable: 'observability-store',
    messageType: 'auraison.mp.v1.ExecutionEvent',
  },
  observabilityTenantEvents: {
    stream: 'tenantEvents',
    durable: 'observability-store',
    messageType: 'auraison.mp.v1.TenantEvent',
  },
  observabilityEvalSummaries: {
    stream: 'evalSummaries',
    durable: 'observability-store',
    messageType: 'auraison.mp.v1.EvaluationSummary',
  },
  billingAgentEvents: { stream: 'agentEvents', durable: 'billing', messageType: 'auraison.mp.v1.AgentEvent' },
  billingExecutionEvents: {
    stream: 'executionEvents',
    durable: 'billing',
    messageType: 'auraison.mp.v1.ExecutionEvent',
  },
  billingTenantEvents: {
    stream: 'tenantEvents',
    durable: 'billing',
    messageType: 'auraison.mp.v1.TenantEvent',
  },
  policyAgentEvents: {
    stream: 'agentEvents',
    durable: 'policy-engine',
    messageType: 'auraison.mp.v1.AgentEvent',
  },
  policyExecutionEvents: {
    stream: 'executionEvents',
    durable: 'policy-engine',
    messageType: 'auraison.mp.v1.ExecutionEvent',
  },
  policyTenantEvents: {
    stream: 'tenantEvents',
    durable: 'policy-engine',
    messageType: 'auraison.mp.v1.TenantEvent',
  },
  evalExecutionEvents: {
    stream: 'executionEvents',
    durable: 'eval-loop',
    messageType: 'auraison.mp.v1.ExecutionEvent',
  },
  evalTenantEvents: {
    stream: 'tenantEvents',
    durable: 'eval-loop',
    messageType: 'auraison.mp.v1.TenantEvent',
  },
} as const satisfies Record<string, ConsumerDeclaration>;

export type ConsumerKey = keyof typeof CONSUMERS;
