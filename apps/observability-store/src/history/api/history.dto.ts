import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from '../../common/domain/page.js';
import {
  CursorQuery,
  IdParam,
  IdQuery,
  LimitQuery,
  TenantIdQuery,
  TimeQuery,
} from '../../common/api/query.js';
import { EXECUTION_STATUSES } from '../../ingest/domain/history-record.js';
import type { Decision } from '../application/search-decisions.usecase.js';
import type { JobTrace } from '../application/job-trace.usecase.js';
import type { ToolCallView } from '../domain/tool-call.js';
import type { StoredEvent, TraceLink } from '../persistence/history.repository.js';

/** Lists of tool calls may be long pages (the policy engine's dry run reads many). */
export const MAX_CALL_PAGE_SIZE = 1000;

const AGENT_ROLE = 'Agent role, e.g. notebook, cluster, wandb, lakehouse';

// ---- queries

export class EventsQueryDto {
  @TenantIdQuery() tenant_id?: string;
  @TimeQuery('Events at or after this time') from?: string;
  @TimeQuery('Events before this time') to?: string;

  @ApiPropertyOptional({ enum: ['agent', 'execution'], description: 'AgentEvents or ExecutionEvents only' })
  @IsOptional()
  @IsIn(['agent', 'execution'])
  kind?: 'agent' | 'execution';

  @IdQuery(AGENT_ROLE, 'notebook') agent_role?: string;
  @IdQuery('Job id') job_id?: string;
  @IdQuery('Claude Code session id') session_id?: string;
  @IdQuery('W3C trace id (32 hex)') trace_id?: string;
  @IdQuery('Only agent invocations that called this tool (or any tool of mcp__<server>__*)', 'Bash')
  tool?: string;

  @ApiPropertyOptional({ enum: EXECUTION_STATUSES, description: 'Execution status' })
  @IsOptional()
  @IsIn(EXECUTION_STATUSES)
  status?: (typeof EXECUTION_STATUSES)[number];

  @ApiPropertyOptional({ description: 'Exit code of the claude -p process', example: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(-2147483648)
  @Max(2147483647)
  exit_code?: number;

  @LimitQuery(MAX_PAGE_SIZE) limit?: number;
  @CursorQuery() cursor?: string;
}

export class TenantPageQueryDto {
  @TenantIdQuery() tenant_id?: string;
  @LimitQuery(MAX_PAGE_SIZE) limit?: number;
  @CursorQuery() cursor?: string;
}

export class ReplayQueryDto {
  @TenantIdQuery() tenant_id?: string;
  @LimitQuery(MAX_CALL_PAGE_SIZE) limit?: number;
  @CursorQuery() cursor?: string;
}

export class JobIdParams {
  @IdParam('Job id') job_id!: string;
}

export class SessionIdParams {
  @IdParam('Claude Code session id') session_id!: string;
}

export class ToolCallsQueryDto {
  @TenantIdQuery() tenant_id?: string;
  @IdQuery(AGENT_ROLE, 'notebook') agent_role?: string;
  @IdQuery('Only calls of this tool (or of any tool of mcp__<server>__*)', 'Bash') tool?: string;
  @TimeQuery('Calls of invocations that ended at or after this time') from?: string;
  @TimeQuery('Calls of invocations that ended before this time') to?: string;
  @LimitQuery(MAX_CALL_PAGE_SIZE) limit?: number;
  @CursorQuery() cursor?: string;
}

export class ActuationsQueryDto {
  @TenantIdQuery() tenant_id?: string;
  @IdQuery('Only this actuation tool', 'mcp__ros__publish_cmd_vel') tool?: string;
  @IdQuery('Only calls of this Claude Code session') session_id?: string;
  @IdQuery('Only calls of invocations of this job') job_id?: string;
  @TimeQuery('Calls of invocations that ended at or after this time') from?: string;
  @TimeQuery('Calls of invocations that ended before this time') to?: string;
  @LimitQuery(MAX_CALL_PAGE_SIZE) limit?: number;
  @CursorQuery() cursor?: string;
}

export class DecisionSearchQueryDto {
  @ApiProperty({
    description: 'Words to find in tool names, inputs and outputs (every word must occur)',
    example: 'pip install torch',
  })
  @IsString()
  @Length(1, 500)
  q!: string;

  @TenantIdQuery() tenant_id?: string;
  @IdQuery(AGENT_ROLE, 'notebook') agent_role?: string;
  @IdQuery('Job id') job_id?: string;

  @ApiPropertyOptional({ enum: ['success', 'failure'], description: 'success = exit code 0' })
  @IsOptional()
  @IsIn(['success', 'failure'])
  outcome?: 'success' | 'failure';

  @TimeQuery('Invocations that ended at or after this time') from?: string;
  @TimeQuery('Invocations that ended before this time') to?: string;
  @LimitQuery(MAX_PAGE_SIZE) limit?: number;
  @CursorQuery() cursor?: string;
}

// ---- responses

export class EventResponseDto {
  @ApiProperty({ description: "Position in the tenant's hash chain (1, 2, 3...)" }) seq!: number;
  @ApiProperty({ enum: ['agent', 'execution'] }) kind!: string;
  @ApiProperty() event_id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ format: 'date-time', description: 'The event timestamp (microseconds, UTC)' })
  timestamp!: string;
  @ApiProperty({ description: 'SHA-256 of the row in the chain (hex)' }) row_hash!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The whole event as stored: proto field names, enums by name (plane control/user, status succeeded..., ' +
      'environment torch.dev.gpu...), tool_calls with input, output and duration_ms',
  })
  event!: Record<string, unknown>;
}

export class EventPageDto {
  @ApiProperty({ type: [EventResponseDto] }) items!: EventResponseDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as ?cursor= for the next page; null on the last page',
  })
  next_cursor!: string | null;
}

export function toEventResponse(e: StoredEvent): EventResponseDto {
  return {
    seq: e.seq,
    kind: e.kind,
    event_id: e.eventId,
    tenant_id: e.tenantId,
    timestamp: e.occurredAt,
    row_hash: e.rowHash,
    event: e.event,
  };
}

export class TraceEntryDto extends EventResponseDto {
  @ApiProperty({
    enum: ['job', 'session', 'trace'],
    description:
      'Why the event is in the trace: it names the job, it is an invocation of the session that dispatched ' +
      'the job, or it shares a trace id with the job',
  })
  link!: TraceLink;
}

export class JobTraceDto {
  @ApiProperty() job_id!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: EXECUTION_STATUSES,
    description: 'Latest execution status',
  })
  status!: string | null;
  @ApiProperty({ description: 'GPU seconds of the job (largest reported; final once terminal)' })
  gpu_seconds!: number;
  @ApiProperty({ type: [String], description: 'W3C trace ids of the job events' }) trace_ids!: string[];
  @ApiProperty({ type: [TraceEntryDto], description: 'Invocations and status changes in time order' })
  entries!: TraceEntryDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

export function toJobTraceResponse(t: JobTrace): JobTraceDto {
  return {
    job_id: t.jobId,
    status: t.status,
    gpu_seconds: t.gpuSeconds,
    trace_ids: t.traceIds,
    entries: t.entries.items.map((e) => ({ ...toEventResponse(e), link: e.link })),
    next_cursor: t.entries.nextCursor,
  };
}

export class ToolCallResponseDto {
  @ApiProperty() event_id!: string;
  @ApiProperty({ description: "The invocation's position in the tenant's chain" }) seq!: number;
  @ApiProperty({ description: 'Position of the call in its invocation (0-based)' }) index!: number;
  @ApiProperty({ type: String, nullable: true }) session_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) job_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) agent_role!: string | null;
  @ApiProperty() tool!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) input!: Record<string, unknown>;
  @ApiProperty() output!: string;
  @ApiProperty() duration_ms!: number;
  @ApiProperty({ type: String, nullable: true }) tool_use_id!: string | null;
  @ApiProperty() is_error!: boolean;
  @ApiProperty() permission_denied!: boolean;
  @ApiProperty({
    format: 'date-time',
    description: "The call's started_at when reported, else the invocation's end",
  })
  timestamp!: string;
}

export class ToolCallPageDto {
  @ApiProperty({ type: [ToolCallResponseDto] }) items!: ToolCallResponseDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

export function toToolCallResponse(c: ToolCallView): ToolCallResponseDto {
  return {
    event_id: c.eventId,
    seq: c.seq,
    index: c.index,
    session_id: c.sessionId,
    job_id: c.jobId,
    agent_role: c.agentRole,
    tool: c.tool,
    input: c.input,
    output: c.output,
    duration_ms: c.durationMs,
    tool_use_id: c.toolUseId,
    is_error: c.isError,
    permission_denied: c.permissionDenied,
    timestamp: c.startedAt ?? c.eventTimestamp,
  };
}

/** The exact item shape the policy engine's scope dry run reads from GET /api/v1/tool-calls. */
export class ScopeToolCallDto {
  @ApiProperty() event_id!: string;
  @ApiProperty({ type: String, nullable: true }) session_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) job_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) agent_role!: string | null;
  @ApiProperty() tool!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The tool input as the agent sent it',
  })
  input!: Record<string, unknown>;
  @ApiProperty() is_error!: boolean;
  @ApiProperty() permission_denied!: boolean;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
}

export class ScopeToolCallPageDto {
  @ApiProperty({ type: [ScopeToolCallDto] }) items!: ScopeToolCallDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

export function toScopeToolCall(c: ToolCallView): ScopeToolCallDto {
  return {
    event_id: c.eventId,
    session_id: c.sessionId,
    job_id: c.jobId,
    agent_role: c.agentRole,
    tool: c.tool,
    input: c.input,
    is_error: c.isError,
    permission_denied: c.permissionDenied,
    timestamp: c.startedAt ?? c.eventTimestamp,
  };
}

export class ActuationCallDto extends ToolCallResponseDto {
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ format: 'date-time', description: 'When the invocation that made the call ended' })
  event_timestamp!: string;
}

export class ActuationPageDto {
  @ApiProperty({ type: [ActuationCallDto] }) items!: ActuationCallDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

export function toActuationResponse(c: ToolCallView): ActuationCallDto {
  return { ...toToolCallResponse(c), tenant_id: c.tenantId, event_timestamp: c.eventTimestamp };
}

export class DecisionDto extends EventResponseDto {
  @ApiProperty({ type: [ToolCallResponseDto], description: 'The calls containing at least one query word' })
  matched_calls!: ToolCallResponseDto[];
}

export class DecisionPageDto {
  @ApiProperty({ type: [DecisionDto], description: 'Newest first' }) items!: DecisionDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

export function toDecisionResponse(d: Decision): DecisionDto {
  return { ...toEventResponse(d.event), matched_calls: d.matchedCalls.map(toToolCallResponse) };
}

export class ReplayDto {
  @ApiProperty() session_id!: string;
  @ApiProperty({ type: [ToolCallResponseDto], description: 'Every tool call of the session, in order' })
  items!: ToolCallResponseDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}
