// HTTP shapes of the PolicyService operations: snake_case JSON, environments by name
// (`torch.dev.gpu`), amounts as JSON numbers. The DTOs check types; the core checks meaning, so every
// door refuses the same requests with the same messages.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AdmitJobRejection,
  environmentName,
  type AdmitJobRequest,
  type AdmitJobResponse,
  type EnvironmentName,
  type GetAgentConfigResponse,
  type GetQuotaResponse,
  type ToolScope,
} from '@auraison/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ENVIRONMENTS, environmentEnum } from '../../common/api/query.js';
import { rejectionReason } from '../policy-doors.js';

export class ToolScopeQueryDto {
  @ApiProperty({ description: 'Agent role, e.g. notebook', example: 'notebook' })
  @IsString()
  @MaxLength(64)
  agent_role!: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Tenant (default: the caller's)" })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({
    enum: ENVIRONMENTS,
    description: 'Environment the agent acts on (decides actuation gates)',
  })
  @IsOptional()
  @IsIn(ENVIRONMENTS)
  environment?: EnvironmentName;
}

export class AgentConfigQueryDto extends ToolScopeQueryDto {
  @ApiPropertyOptional({ description: 'Job the agent works on (experiment variants are assigned per job)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  job_id?: string;
}

export class QuotaQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Tenant (default: the caller's)" })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

export class AdmitJobDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Tenant (default: the caller's)" })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiProperty({ description: 'Job id; admitting the same job again returns the same reservation' })
  @IsString()
  @MaxLength(200)
  job_id!: string;

  @ApiProperty({ enum: ENVIRONMENTS })
  @IsIn(ENVIRONMENTS)
  environment!: EnvironmentName;

  @ApiProperty({ description: 'Agent role dispatching the job', example: 'cluster' })
  @IsString()
  @MaxLength(64)
  agent_role!: string;

  @ApiProperty({ description: 'GPUs the job will hold', minimum: 0, example: 2 })
  @Type(() => Number)
  @IsInt()
  gpu_count!: number;

  @ApiPropertyOptional({
    description: "Maximum duration in seconds (default: the tenant's default)",
    minimum: 0,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  max_duration_s?: number;

  @ApiPropertyOptional({ description: 'Tokens the job is expected to use (default 0)', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  estimated_tokens?: number;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  user_id?: string;

  @ApiPropertyOptional({ description: 'W3C trace id (32 lowercase hex)' })
  @IsOptional()
  @IsString()
  trace_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  session_id?: string;

  toRequest(): AdmitJobRequest {
    return {
      tenantId: this.tenant_id ?? '',
      jobId: this.job_id,
      environment: environmentEnum(this.environment),
      gpuCount: this.gpu_count,
      maxDurationS: this.max_duration_s ?? 0,
      estimatedTokens: this.estimated_tokens ?? 0,
      agentRole: this.agent_role,
      ...(this.user_id ? { userId: this.user_id } : {}),
      ...(this.trace_id ? { traceId: this.trace_id } : {}),
      ...(this.session_id ? { sessionId: this.session_id } : {}),
    };
  }
}

export class ReleaseJobDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Tenant (default: the caller's)" })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiProperty()
  @IsString()
  @MaxLength(200)
  job_id!: string;

  @ApiPropertyOptional({ description: 'Why, kept with the decision' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class ToolScopeResponseDto {
  @ApiProperty({
    description: 'Allowed rules joined with commas: pass as --allowedTools as-is',
    example: 'Bash(kubectl *),Bash(ray *),Read',
  })
  allowed_tools!: string;
  @ApiProperty({ description: 'Denied rules joined with commas: pass as --disallowedTools' })
  disallowed_tools!: string;
  @ApiProperty({ type: [String] })
  allowed_rules!: string[];
  @ApiProperty({ type: [String] })
  disallowed_rules!: string[];
  @ApiProperty({ description: 'Version the scope was resolved from (record it with the agent)' })
  scope_version!: number;
  @ApiProperty({ example: 3600 })
  max_duration_s!: number;
  @ApiProperty({ description: 'A lockdown is in force: nothing is allowed' })
  lockdown!: boolean;
  @ApiProperty({
    enum: ENVIRONMENTS,
    isArray: true,
    description: 'Environments whose actuation gate is open',
  })
  open_actuation_gates!: EnvironmentName[];
}

export class QuotaResponseDto {
  @ApiProperty({ example: 42.5 })
  gpu_hours_remaining!: number;
  @ApiProperty({ example: 500000 })
  token_budget_remaining!: number;
  @ApiProperty({ example: 2 })
  jobs_in_flight!: number;
  @ApiProperty()
  max_jobs_in_flight!: number;
  @ApiProperty()
  gpu_hours_reserved!: number;
  @ApiProperty()
  tokens_reserved!: number;
  @ApiProperty()
  gpu_hours_used!: number;
  @ApiProperty()
  tokens_used!: number;
  @ApiProperty()
  gpu_hours_limit!: number;
  @ApiProperty()
  token_budget_limit!: number;
  @ApiProperty({ format: 'date-time' })
  period_start!: string;
  @ApiProperty({ format: 'date-time' })
  period_end!: string;
}

export class AgentConfigResponseDto {
  @ApiProperty({ example: 'claude-sonnet-4-5' })
  model!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Experiment variant, null when none applies' })
  variant!: string | null;
  @ApiProperty({ type: String, nullable: true })
  experiment_id!: string | null;
  @ApiProperty({ type: ToolScopeResponseDto })
  scope!: ToolScopeResponseDto;
  @ApiProperty()
  max_duration_s!: number;
  @ApiProperty({ description: '--max-turns (0: no limit)' })
  max_turns!: number;
  @ApiProperty({ description: 'Record as agent_config_version in the AgentEvent' })
  config_version!: number;
}

export class AdmitJobResponseDto {
  @ApiProperty()
  admitted!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  reservation_id!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Why not admitted: gpu_hours_exceeded, token_budget_exceeded, max_jobs_in_flight, environment_not_allowed, tenant_suspended, lockdown, rate_limited, duration_exceeded',
  })
  rejection!: string | null;
  @ApiProperty()
  message!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  expires_at!: string | null;
  @ApiProperty({ type: QuotaResponseDto })
  quota!: QuotaResponseDto;
}

export class ReleaseJobResponseDto {
  @ApiProperty({ description: 'An open reservation was released' })
  released!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  reservation_id!: string | null;
}

export function presentToolScope(s: ToolScope | undefined): ToolScopeResponseDto {
  return {
    allowed_tools: s?.allowedTools ?? '',
    disallowed_tools: s?.disallowedTools ?? '',
    allowed_rules: s?.allowedRules ?? [],
    disallowed_rules: s?.disallowedRules ?? [],
    scope_version: s?.scopeVersion ?? 0,
    max_duration_s: s?.maxDurationS ?? 0,
    lockdown: s?.lockdown ?? false,
    open_actuation_gates: (s?.openActuationGates ?? [])
      .map(environmentName)
      .filter((n): n is EnvironmentName => n !== undefined),
  };
}

export function presentQuota(q: GetQuotaResponse | undefined): QuotaResponseDto {
  return {
    gpu_hours_remaining: q?.gpuHoursRemaining ?? 0,
    token_budget_remaining: q?.tokenBudgetRemaining ?? 0,
    jobs_in_flight: q?.jobsInFlight ?? 0,
    max_jobs_in_flight: q?.maxJobsInFlight ?? 0,
    gpu_hours_reserved: q?.gpuHoursReserved ?? 0,
    tokens_reserved: q?.tokensReserved ?? 0,
    gpu_hours_used: q?.gpuHoursUsed ?? 0,
    tokens_used: q?.tokensUsed ?? 0,
    gpu_hours_limit: q?.gpuHoursLimit ?? 0,
    token_budget_limit: q?.tokenBudgetLimit ?? 0,
    period_start: q?.periodStart?.toISOString() ?? '',
    period_end: q?.periodEnd?.toISOString() ?? '',
  };
}

export function presentAgentConfig(c: GetAgentConfigResponse): AgentConfigResponseDto {
  return {
    model: c.model,
    variant: c.variant || null,
    experiment_id: c.experimentId || null,
    scope: presentToolScope(c.scope),
    max_duration_s: c.maxDurationS,
    max_turns: c.maxTurns,
    config_version: c.configVersion,
  };
}

export function presentAdmission(r: AdmitJobResponse): AdmitJobResponseDto {
  return {
    admitted: r.admitted,
    reservation_id: r.reservationId || null,
    rejection:
      r.rejection === AdmitJobRejection.ADMIT_JOB_REJECTION_UNSPECIFIED ? null : rejectionReason(r.rejection),
    message: r.message,
    expires_at: r.expiresAt?.toISOString() ?? null,
    quota: presentQuota(r.quota),
  };
}
