// Semantic checks that protobuf decoding cannot make: required fields, identifier formats, ranges.
// Each returns every problem found (empty when valid), phrased with the proto field name.
import type { AgentEvent } from './gen/auraison/mp/v1/agent_event.js';
import type { Alert } from './gen/auraison/mp/v1/alert.js';
import type { EvaluationSummary } from './gen/auraison/mp/v1/evaluation.js';
import type { ExecutionEvent } from './gen/auraison/mp/v1/execution_event.js';
import type { TenantEvent } from './gen/auraison/mp/v1/tenant_event.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_ID = /^[\x21-\x7e]{1,200}$/; // printable ASCII, no spaces: usable as Nats-Msg-Id
const NAME = /^[a-z][a-z0-9_.-]{0,63}$/;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const MAX_ID = 200;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

class Problems {
  readonly list: string[] = [];

  eventId(value: string): void {
    if (!value) this.list.push('event_id is required');
    else if (!EVENT_ID.test(value))
      this.list.push('event_id must be 1-200 printable ASCII characters without spaces');
  }

  timestamp(field: string, value: Date | undefined, required = true): void {
    if (value === undefined) {
      if (required) this.list.push(`${field} is required`);
    } else if (Number.isNaN(value.getTime())) this.list.push(`${field} is not a valid time`);
  }

  uuid(field: string, value: string | undefined, required = true): void {
    if (!value) {
      if (required) this.list.push(`${field} is required`);
    } else if (!UUID.test(value))
      this.list.push(`${field} must be a UUID (got ${JSON.stringify(clip(value))})`);
  }

  name(field: string, value: string, required = true): void {
    if (!value) {
      if (required) this.list.push(`${field} is required`);
    } else if (!NAME.test(value))
      this.list.push(`${field} must match ${NAME.source} (got ${JSON.stringify(clip(value))})`);
  }

  id(field: string, value: string | undefined, required: boolean): void {
    if (!value) {
      if (required) this.list.push(`${field} is required`);
    } else if (value.length > MAX_ID) this.list.push(`${field} is longer than ${MAX_ID} characters`);
  }

  nonNegative(field: string, value: number | undefined): void {
    if (value !== undefined && (!Number.isFinite(value) || value < 0))
      this.list.push(`${field} must be a finite number >= 0 (got ${value})`);
  }

  nonZeroEnum(field: string, value: number): void {
    if (!value) this.list.push(`${field} is required (the UNSPECIFIED value is not allowed)`);
  }

  trace(traceId: string | undefined, spanId: string | undefined, parentSpanId?: string): void {
    if (traceId !== undefined && traceId !== '' && !TRACE_ID.test(traceId))
      this.list.push('trace_id must be 32 lowercase hex characters');
    if (spanId !== undefined && spanId !== '' && !SPAN_ID.test(spanId))
      this.list.push('span_id must be 16 lowercase hex characters');
    if (parentSpanId !== undefined && parentSpanId !== '' && !SPAN_ID.test(parentSpanId))
      this.list.push('parent_span_id must be 16 lowercase hex characters');
  }
}

function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

export function validateAgentEvent(e: AgentEvent): string[] {
  const p = new Problems();
  p.eventId(e.eventId);
  p.timestamp('timestamp', e.timestamp);
  p.nonZeroEnum('plane', e.plane);
  p.name('agent_role', e.agentRole);
  p.id('job_id', e.jobId, false);
  p.id('session_id', e.sessionId, false);
  p.uuid('tenant_id', e.tenantId);
  p.uuid('user_id', e.userId, false);
  p.nonNegative('tokens_in', e.tokensIn);
  p.nonNegative('tokens_out', e.tokensOut);
  p.nonNegative('cache_read_tokens', e.cacheReadTokens);
  p.nonNegative('cache_write_tokens', e.cacheWriteTokens);
  p.nonNegative('duration_ms', e.durationMs);
  p.trace(e.traceId, e.spanId, e.parentSpanId);
  e.toolCalls.forEach((call, i) => {
    if (!call.tool) p.list.push(`tool_calls[${i}].tool is required`);
    else if (call.tool.length > MAX_ID)
      p.list.push(`tool_calls[${i}].tool is longer than ${MAX_ID} characters`);
    p.nonNegative(`tool_calls[${i}].duration_ms`, call.durationMs);
    p.timestamp(`tool_calls[${i}].started_at`, call.startedAt, false);
  });
  return p.list;
}

export function validateExecutionEvent(e: ExecutionEvent): string[] {
  const p = new Problems();
  p.eventId(e.eventId);
  p.timestamp('timestamp', e.timestamp);
  p.nonZeroEnum('plane', e.plane);
  p.id('job_id', e.jobId, true);
  p.nonZeroEnum('environment', e.environment);
  p.id('ray_job_id', e.rayJobId, false);
  p.nonZeroEnum('status', e.status);
  p.nonNegative('gpu_seconds', e.gpuSeconds);
  p.uuid('tenant_id', e.tenantId);
  p.uuid('user_id', e.userId, false);
  p.nonNegative('gpu_count', e.gpuCount);
  p.timestamp('started_at', e.startedAt, false);
  p.timestamp('ended_at', e.endedAt, false);
  if (e.agentRole) p.name('agent_role', e.agentRole);
  p.trace(e.traceId, e.spanId);
  return p.list;
}

export function validateTenantEvent(e: TenantEvent): string[] {
  const p = new Problems();
  p.eventId(e.eventId);
  p.timestamp('timestamp', e.timestamp);
  p.nonZeroEnum('type', e.type);
  p.uuid('tenant_id', e.tenantId);
  p.nonZeroEnum('status', e.status);
  p.uuid('actor_id', e.actorId, false);
  p.uuid('user_id', e.userId, false);
  p.nonNegative('revision', e.revision);
  if (e.quota) {
    p.nonNegative('quota.gpu_hours_per_period', e.quota.gpuHoursPerPeriod);
    p.nonNegative('quota.token_budget_per_period', e.quota.tokenBudgetPerPeriod);
    p.nonNegative('quota.max_jobs_in_flight', e.quota.maxJobsInFlight);
    p.nonNegative('quota.default_max_job_duration_s', e.quota.defaultMaxJobDurationS);
    const day = e.quota.periodAnchorDay;
    if (day !== 0 && (day < 1 || day > 28)) p.list.push(`quota.period_anchor_day must be 1-28 (got ${day})`);
  }
  return p.list;
}

export function validateEvaluationSummary(e: EvaluationSummary): string[] {
  const p = new Problems();
  p.eventId(e.eventId);
  p.timestamp('timestamp', e.timestamp);
  p.id('run_id', e.runId, true);
  p.timestamp('window_start', e.windowStart);
  p.timestamp('window_end', e.windowEnd);
  p.nonZeroEnum('trigger', e.trigger);
  p.uuid('tenant_id', e.tenantId, false);
  if (e.windowStart && e.windowEnd && e.windowStart.getTime() > e.windowEnd.getTime())
    p.list.push('window_start must not be after window_end');
  return p.list;
}

export function validateAlert(e: Alert): string[] {
  const p = new Problems();
  p.eventId(e.eventId);
  p.timestamp('timestamp', e.timestamp);
  p.id('alert_id', e.alertId, true);
  p.id('rule_id', e.ruleId, true);
  p.uuid('tenant_id', e.tenantId, false);
  p.nonZeroEnum('severity', e.severity);
  p.nonZeroEnum('state', e.state);
  return p.list;
}
