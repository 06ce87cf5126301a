// An AgentEvent or ExecutionEvent as the history stores it: the whole event as canonical JSON (`body`,
// snake_case field names, enums by name) plus the few columns queries filter on, all derived from the
// event. Semantic checks that the contract validation cannot make (unknown enum values, impossible
// numbers, timestamps far in the future) refuse the event with a reason instead.
import {
  environmentName,
  ExecutionStatus,
  Plane,
  type AgentEvent,
  type ExecutionEvent,
  type ToolCall,
} from '@auraison/contracts';
import { canonicalJson } from '../../common/domain/canonical-json.js';
import { JsonMembers } from '../../common/domain/json-members.js';
import { searchTokens } from '../../common/domain/search-text.js';
import { toolKeys } from '../../common/domain/tool-keys.js';

export type RecordKind = 'agent' | 'execution';

/** The columns of one history row except its place in the chain (seq, prev_hash, row_hash). */
export interface HistoryRecord {
  kind: RecordKind;
  /** Lowercase UUID. */
  tenantId: string;
  eventId: string;
  occurredAt: Date;
  agentRole: string | null;
  jobId: string | null;
  sessionId: string | null;
  traceId: string | null;
  /** Agent events: the `claude -p` exit code. */
  exitCode: number | null;
  /** Execution events: `pending`, `running`, `succeeded`, `failed` or `stopped`. */
  status: string | null;
  /** Agent events: distinct tool names plus `mcp__<server>__*` for each MCP server used. */
  tools: string[] | null;
  /** The whole event, canonical JSON. */
  body: string;
  /** Lexemes of the tool inputs and outputs for decision search (not part of the hash). */
  search: string[] | null;
}

export type RecordResult = { ok: true; record: HistoryRecord } | { ok: false; reason: string };

const PLANES: Record<number, string> = {
  [Plane.PLANE_CONTROL]: 'control',
  [Plane.PLANE_USER]: 'user',
  [Plane.PLANE_MANAGEMENT]: 'management',
};

export const EXECUTION_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'stopped'] as const;
export type ExecutionStatusName = (typeof EXECUTION_STATUSES)[number];

const STATUSES: Record<number, ExecutionStatusName> = {
  [ExecutionStatus.EXECUTION_STATUS_PENDING]: 'pending',
  [ExecutionStatus.EXECUTION_STATUS_RUNNING]: 'running',
  [ExecutionStatus.EXECUTION_STATUS_SUCCEEDED]: 'succeeded',
  [ExecutionStatus.EXECUTION_STATUS_FAILED]: 'failed',
  [ExecutionStatus.EXECUTION_STATUS_STOPPED]: 'stopped',
};

/** Earliest timestamp accepted: anything older is a producer bug (an unset clock, seconds as ms...). */
export const EARLIEST_TIMESTAMP = Date.UTC(2000, 0, 1);
/** Largest GPU-seconds of one execution (about 317 GPU-years). */
export const MAX_GPU_SECONDS = 1e10;
const MAX_GPU_COUNT = 100_000;
const MAX_LABELS = 100;
const MAX_LABEL_CHARS = 1000;

// Column values are filtered on and hashed from both Node and SQL: no control characters and no lone
// surrogates, which PostgreSQL text cannot hold the way JavaScript does.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_TEXT = /[\u0000-\u001f\u007f\p{Cs}]/u;

class Problems {
  readonly list: string[] = [];

  time(field: string, value: Date | undefined, nowMs: number, maxFutureMs: number): void {
    if (!value) return;
    const t = value.getTime();
    if (t < EARLIEST_TIMESTAMP) this.list.push(`${field} ${value.toISOString()} is before 2000-01-01`);
    else if (t > nowMs + maxFutureMs)
      this.list.push(
        `${field} ${value.toISOString()} is more than ${maxFutureMs / 3_600_000} h in the future`,
      );
  }

  safeInteger(field: string, value: number | undefined): void {
    if (value !== undefined && !Number.isSafeInteger(value))
      this.list.push(`${field} ${value} is beyond 2^53 (the largest exact integer)`);
  }

  text(field: string, value: string | undefined): void {
    if (value && UNSAFE_TEXT.test(value)) this.list.push(`${field} contains control characters`);
  }

  labels(labels: Record<string, string>): void {
    const entries = Object.entries(labels);
    if (entries.length > MAX_LABELS)
      this.list.push(`labels has ${entries.length} entries (at most ${MAX_LABELS})`);
    for (const [k, v] of entries)
      if (k.length + v.length > MAX_LABEL_CHARS) {
        this.list.push(`labels.${k.slice(0, 40)} is longer than ${MAX_LABEL_CHARS} characters`);
        break;
      }
  }

  reason(): string | undefined {
    return this.list.length > 0 ? this.list.join('; ') : undefined;
  }
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();
const orNull = (s: string | undefined): string | null => (s ? s : null);

/** An AgentEvent as the object its body is the canonical JSON of (proto field names). */
export function agentBodyObject(e: AgentEvent, plane: string, tenantId: string): Record<string, unknown> {
  return {
    event_id: e.eventId,
    timestamp: iso(e.timestamp),
    plane,
    agent_role: e.agentRole,
    job_id: e.jobId,
    session_id: e.sessionId,
    tool_calls: e.toolCalls.map((c) => ({
      tool: c.tool,
      input: c.input ?? {},
      output: c.output,
      duration_ms: c.durationMs,
      tool_use_id: c.toolUseId,
      is_error: c.isError,
      permission_denied: c.permissionDenied,
      started_at: iso(c.startedAt),
    })),
    tokens_in: e.tokensIn,
    tokens_out: e.tokensOut,
    exit_code: e.exitCode,
    tenant_id: tenantId,
    model: e.model,
    user_id: e.userId?.toLowerCase(),
    cache_read_tokens: e.cacheReadTokens,
    cache_write_tokens: e.cacheWriteTokens,
    trace_id: e.traceId,
    span_id: e.spanId,
    parent_span_id: e.parentSpanId,
    variant: e.variant,
    experiment_id: e.experimentId,
    agent_config_version: e.agentConfigVersion,
    duration_ms: e.durationMs,
    result_subtype: e.resultSubtype,
    labels: e.labels,
  };
}

function toolCallJson(c: ToolCall): string {
  return new JsonMembers()
    .num('duration_ms', c.durationMs)
    .value('input', c.input ?? {})
    .bool('is_error', c.isError)
    .str('output', c.output)
    .bool('permission_denied', c.permissionDenied)
    .str('started_at', iso(c.startedAt))
    .str('tool', c.tool)
    .str('tool_use_id', c.toolUseId)
    .toString();
}

/** canonicalJson(agentBodyObject(...)), written directly (ingestion's hot path). */
export function agentBodyJson(e: AgentEvent, plane: string, tenantId: string): string {
  return new JsonMembers()
    .num('agent_config_version', e.agentConfigVersion)
    .str('agent_role', e.agentRole)
    .num('cache_read_tokens', e.cacheReadTokens)
    .num('cache_write_tokens', e.cacheWriteTokens)
    .num('duration_ms', e.durationMs)
    .str('event_id', e.eventId)
    .num('exit_code', e.exitCode)
    .str('experiment_id', e.experimentId)
    .str('job_id', e.jobId)
    .value('labels', e.labels)
    .str('model', e.model)
    .str('parent_span_id', e.parentSpanId)
    .str('plane', plane)
    .str('result_subtype', e.resultSubtype)
    .str('session_id', e.sessionId)
    .str('span_id', e.spanId)
    .str('tenant_id', tenantId)
    .str('timestamp', iso(e.timestamp))
    .num('tokens_in', e.tokensIn)
    .num('tokens_out', e.tokensOut)
    .raw('tool_calls', `[${e.toolCalls.map(toolCallJson).join(',')}]`)
    .str('trace_id', e.traceId)
    .str('user_id', e.userId?.toLowerCase())
    .str('variant', e.variant)
    .toString();
}

/** Why an AgentEvent cannot be stored, or undefined when it can (cheap: no serialization). */
export function agentProblems(e: AgentEvent, nowMs: number, maxFutureMs: number): string | undefined {
  const p = new Problems();
  if (!PLANES[e.plane]) p.list.push(`plane has an unknown value ${e.plane}`);
  p.time('timestamp', e.timestamp, nowMs, maxFutureMs);
  p.text('job_id', e.jobId);
  p.text('session_id', e.sessionId);
  p.safeInteger('tokens_in', e.tokensIn);
  p.safeInteger('tokens_out', e.tokensOut);
  p.safeInteger('cache_read_tokens', e.cacheReadTokens);
  p.safeInteger('cache_write_tokens', e.cacheWriteTokens);
  p.safeInteger('duration_ms', e.durationMs);
  p.safeInteger('agent_config_version', e.agentConfigVersion);
  e.toolCalls.forEach((c, i) => {
    p.text(`tool_calls[${i}].tool`, c.tool);
    p.safeInteger(`tool_calls[${i}].duration_ms`, c.durationMs);
    p.time(`tool_calls[${i}].started_at`, c.startedAt, nowMs, maxFutureMs);
  });
  p.labels(e.labels);
  return p.reason();
}

/** The history record of an AgentEvent that agentProblems() accepted. */
export function agentHistoryRecord(e: AgentEvent): HistoryRecord {
  const tenantId = e.tenantId.toLowerCase();
  const tokens = searchTokens(e.toolCalls);
  return {
    kind: 'agent',
    tenantId,
    eventId: e.eventId,
    occurredAt: e.timestamp!,
    agentRole: e.agentRole,
    jobId: orNull(e.jobId),
    sessionId: orNull(e.sessionId),
    traceId: orNull(e.traceId),
    exitCode: e.exitCode,
    status: null,
    tools: toolKeys(e.toolCalls.map((c) => c.tool)),
    body: agentBodyJson(e, PLANES[e.plane]!, tenantId),
    search: tokens.length > 0 ? tokens : null,
  };
}

/** The history record of an AgentEvent, or why it is refused. */
export function agentRecord(e: AgentEvent, nowMs: number, maxFutureMs: number): RecordResult {
  const reason = agentProblems(e, nowMs, maxFutureMs);
  return reason === undefined ? { ok: true, record: agentHistoryRecord(e) } : { ok: false, reason };
}

/** Why an ExecutionEvent cannot be stored, or undefined when it can. */
export function executionProblems(e: ExecutionEvent, nowMs: number, maxFutureMs: number): string | undefined {
  const p = new Problems();
  if (!PLANES[e.plane]) p.list.push(`plane has an unknown value ${e.plane}`);
  if (!STATUSES[e.status]) p.list.push(`status has an unknown value ${e.status}`);
  if (!environmentName(e.environment)) p.list.push(`environment has an unknown value ${e.environment}`);
  p.time('timestamp', e.timestamp, nowMs, maxFutureMs);
  p.time('started_at', e.startedAt, nowMs, maxFutureMs);
  p.time('ended_at', e.endedAt, nowMs, maxFutureMs);
  if (e.startedAt && e.endedAt && e.endedAt.getTime() < e.startedAt.getTime())
    p.list.push('ended_at is before started_at');
  if (e.gpuSeconds > MAX_GPU_SECONDS)
    p.list.push(`gpu_seconds ${e.gpuSeconds} is more than ${MAX_GPU_SECONDS} (about 317 GPU-years)`);
  if (e.gpuCount !== undefined && e.gpuCount > MAX_GPU_COUNT)
    p.list.push(`gpu_count ${e.gpuCount} is more than ${MAX_GPU_COUNT}`);
  if (e.attempt !== undefined && e.attempt < 0) p.list.push(`attempt must be >= 0 (got ${e.attempt})`);
  p.text('job_id', e.jobId);
  p.text('session_id', e.sessionId);
  p.labels(e.labels);
  return p.reason();
}

/** The history record of an ExecutionEvent that executionProblems() accepted. */
export function executionHistoryRecord(e: ExecutionEvent): HistoryRecord {
  const plane = PLANES[e.plane]!;
  const status = STATUSES[e.status]!;
  const environment = environmentName(e.environment)!;
  const tenantId = e.tenantId.toLowerCase();
  const body = canonicalJson({
    event_id: e.eventId,
    timestamp: iso(e.timestamp),
    plane,
    job_id: e.jobId,
    environment,
    ray_job_id: e.rayJobId,
    status,
    gpu_seconds: e.gpuSeconds,
    tenant_id: tenantId,
    user_id: e.userId?.toLowerCase(),
    gpu_count: e.gpuCount,
    started_at: iso(e.startedAt),
    ended_at: iso(e.endedAt),
    reason: e.reason,
    trace_id: e.traceId,
    span_id: e.spanId,
    agent_role: e.agentRole,
    session_id: e.sessionId,
    variant: e.variant,
    reservation_id: e.reservationId,
    attempt: e.attempt,
    namespace: e.namespace,
    labels: e.labels,
  });
  return {
    kind: 'execution',
    tenantId,
    eventId: e.eventId,
    occurredAt: e.timestamp!,
    agentRole: orNull(e.agentRole),
    jobId: e.jobId,
    sessionId: orNull(e.sessionId),
    traceId: orNull(e.traceId),
    exitCode: null,
    status,
    tools: null,
    body,
    search: null,
  };
}

/** The history record of an ExecutionEvent, or why it is refused. */
export function executionRecord(e: ExecutionEvent, nowMs: number, maxFutureMs: number): RecordResult {
  const reason = executionProblems(e, nowMs, maxFutureMs);
  return reason === undefined ? { ok: true, record: executionHistoryRecord(e) } : { ok: false, reason };
}
