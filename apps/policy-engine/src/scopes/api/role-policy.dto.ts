import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { trim } from '../../common/api/query.js';
import { ToolScopeResponseDto } from '../../doors/http/policy-queries.dto.js';
import type { DryRunResult } from '../application/dry-run.service.js';
import {
  AGENT_ROLE,
  LIMITS,
  type EffectivePolicy,
  type PolicyDiff,
  type RateLimits,
  type RoleDefaults,
  type RoleOverride,
} from '../domain/role-policy.js';
import type { PolicyVersion } from '../persistence/role-policy.repository.js';

export class RoleParams {
  @ApiProperty({ description: 'Agent role', example: 'notebook' })
  @Matches(AGENT_ROLE, { message: `role must match ${AGENT_ROLE.source}` })
  role!: string;
}

export class TenantRoleParams extends RoleParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tenantId!: string;
}

export class TenantParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tenantId!: string;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ description: 'Items per page (default 50, at most 200)', minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Only versions older than this one (the next_before of the previous page)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  before?: number;
}

export class ReasonDto {
  @ApiProperty({ description: 'Why: kept with the version or in the audit log', example: 'incident 42' })
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  reason!: string;
}

export class ReasonQueryDto {
  @ApiProperty({ description: 'Why: kept with the version' })
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  reason!: string;
}

export class RollbackDto extends ReasonDto {
  // A JSON body carries a number: no coercion (class-transformer's Number() throws on some objects).
  @ApiProperty({ description: 'The version whose content becomes current again (as a new version)' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class RateLimitsDto {
  @ApiPropertyOptional({ description: 'Agent spawns (GetAgentConfig) per minute; 0 = no limit', minimum: 0 })
  @IsOptional()
  @IsInt()
  invocations_per_minute?: number;

  @ApiPropertyOptional({ description: 'Job admissions (AdmitJob) per minute; 0 = no limit', minimum: 0 })
  @IsOptional()
  @IsInt()
  admissions_per_minute?: number;

  @ApiPropertyOptional({ description: 'Tokens (input + output) per minute; 0 = no limit', minimum: 0 })
  @IsOptional()
  @IsInt()
  tokens_per_minute?: number;
}

function rateLimits(dto: RateLimitsDto | undefined): Partial<RateLimits> | undefined {
  if (!dto) return undefined;
  const out: Partial<RateLimits> = {};
  if (dto.invocations_per_minute !== undefined) out.invocationsPerMinute = dto.invocations_per_minute;
  if (dto.admissions_per_minute !== undefined) out.admissionsPerMinute = dto.admissions_per_minute;
  if (dto.tokens_per_minute !== undefined) out.tokensPerMinute = dto.tokens_per_minute;
  return out;
}

class RulesDto extends ReasonDto {
  @ApiProperty({
    type: [String],
    description: 'Allow rules (Claude Code permission-rule syntax)',
    example: ['Bash(kubectl *)', 'Read'],
  })
  @IsArray()
  @ArrayMaxSize(LIMITS.rulesPerList)
  @IsString({ each: true })
  allow!: string[];

  @ApiProperty({
    type: [String],
    description: 'Deny rules (deny wins over allow)',
    example: ['Bash(kubectl delete *)'],
  })
  @IsArray()
  @ArrayMaxSize(LIMITS.rulesPerList)
  @IsString({ each: true })
  deny!: string[];
}

/** PUT /roles/:role: the whole default of a role. */
export class RoleDefaultsDto extends RulesDto {
  @ApiProperty({ description: 'Longest an agent run may take (s)', example: 3600 })
  @IsInt()
  max_duration_s!: number;

  @ApiProperty({ description: '--max-turns (0: no limit)', example: 50 })
  @IsInt()
  max_turns!: number;

  @ApiProperty({ example: 'claude-sonnet-4-5' })
  @IsString()
  model!: string;

  @ApiPropertyOptional({ type: RateLimitsDto, description: 'Omitted limits are 0 (none)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitsDto)
  rate_limits?: RateLimitsDto;

  toDocument(): RoleDefaults {
    return {
      allow: this.allow,
      deny: this.deny,
      maxDurationS: this.max_duration_s,
      maxTurns: this.max_turns,
      model: this.model,
      rateLimits: {
        invocationsPerMinute: 0,
        admissionsPerMinute: 0,
        tokensPerMinute: 0,
        ...rateLimits(this.rate_limits),
      },
    };
  }
}

/** PUT /tenants/:tenantId/roles/:role: the tenant's override (rules are added to the default's). */
export class RoleOverrideDto extends RulesDto {
  @ApiPropertyOptional({ description: "Replaces the default's max_duration_s" })
  @IsOptional()
  @IsInt()
  max_duration_s?: number;

  @ApiPropertyOptional({ description: "Replaces the default's max_turns" })
  @IsOptional()
  @IsInt()
  max_turns?: number;

  @ApiPropertyOptional({ description: "Replaces the default's model" })
  @IsOptional()
  @IsString()
  model?: string;

  @ApiPropertyOptional({ type: RateLimitsDto, description: 'Replaces the limits it names' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitsDto)
  rate_limits?: RateLimitsDto;

  toDocument(): RoleOverride {
    const limits = rateLimits(this.rate_limits);
    return {
      allow: this.allow,
      deny: this.deny,
      ...(this.max_duration_s !== undefined ? { maxDurationS: this.max_duration_s } : {}),
      ...(this.max_turns !== undefined ? { maxTurns: this.max_turns } : {}),
      ...(this.model !== undefined ? { model: this.model } : {}),
      ...(limits && Object.keys(limits).length > 0 ? { rateLimits: limits } : {}),
    };
  }
}

export class DryRunDto {
  @ApiProperty({ type: [String], description: 'Proposed override: allow rules added to the default' })
  @IsArray()
  @ArrayMaxSize(LIMITS.rulesPerList)
  @IsString({ each: true })
  allow!: string[];

  @ApiProperty({ type: [String], description: 'Proposed override: deny rules' })
  @IsArray()
  @ArrayMaxSize(LIMITS.rulesPerList)
  @IsString({ each: true })
  deny!: string[];

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Start of the recorded calls to replay (default: 7 days ago)',
  })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End (default: now)' })
  @IsOptional()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({ description: 'Most calls to replay (default 1000, at most 10000)' })
  @IsOptional()
  @IsInt()
  max_calls?: number;

  @ApiPropertyOptional({
    description: "The agents' project directory (relative path rules resolve against it)",
  })
  @IsOptional()
  @IsString()
  project_dir?: string;

  @ApiPropertyOptional({ description: "The agents' home directory (for ~ in path rules)" })
  @IsOptional()
  @IsString()
  home_dir?: string;
}

export class RateLimitsResponseDto {
  @ApiProperty()
  invocations_per_minute!: number;
  @ApiProperty()
  admissions_per_minute!: number;
  @ApiProperty()
  tokens_per_minute!: number;
}

export class PolicyDocumentDto {
  @ApiProperty({ type: [String] })
  allow!: string[];
  @ApiProperty({ type: [String] })
  deny!: string[];
  @ApiPropertyOptional()
  max_duration_s?: number;
  @ApiPropertyOptional()
  max_turns?: number;
  @ApiPropertyOptional()
  model?: string;
  @ApiPropertyOptional({ type: RateLimitsDto })
  rate_limits?: RateLimitsDto;
}

export class PolicyVersionDto {
  @ApiProperty({ description: 'Version (from one sequence shared by every policy change)' })
  version!: number;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null: the role default' })
  tenant_id!: string | null;
  @ApiProperty()
  agent_role!: string;
  @ApiProperty({ type: PolicyDocumentDto, nullable: true, description: 'null: the override was removed' })
  document!: PolicyDocumentDto | null;
  @ApiProperty({ format: 'uuid' })
  author_id!: string;
  @ApiProperty()
  reason!: string;
  @ApiProperty({
    description: '{ allow: {added, removed}, deny: {added, removed}, changed: {field: [before, after]} }',
  })
  diff!: PolicyDiff;
  @ApiProperty({ type: Number, nullable: true })
  rollback_of!: number | null;
  @ApiProperty({ format: 'date-time' })
  created_at!: string;
}

export class PolicyVersionListDto {
  @ApiProperty({ type: [PolicyVersionDto] })
  items!: PolicyVersionDto[];
}

export class PolicyChangeDto {
  @ApiProperty({ description: 'false when the request changed nothing (no version was written)' })
  changed!: boolean;
  @ApiProperty({ type: PolicyVersionDto, nullable: true })
  version!: PolicyVersionDto | null;
}

export class PolicyHistoryDto {
  @ApiProperty({ type: [PolicyVersionDto] })
  items!: PolicyVersionDto[];
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Pass as ?before= for older versions; null on the last page',
  })
  next_before!: number | null;
}

export class EffectivePolicyDto {
  @ApiProperty({ type: [String] })
  allow!: string[];
  @ApiProperty({ type: [String] })
  deny!: string[];
  @ApiProperty()
  max_duration_s!: number;
  @ApiProperty()
  max_turns!: number;
  @ApiProperty()
  model!: string;
  @ApiProperty({ type: RateLimitsResponseDto })
  rate_limits!: RateLimitsResponseDto;
  @ApiProperty()
  default_version!: number;
  @ApiProperty({ type: Number, nullable: true })
  override_version!: number | null;
}

export class TenantRoleDto {
  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;
  @ApiProperty()
  agent_role!: string;
  @ApiProperty({ type: PolicyVersionDto, nullable: true })
  override!: PolicyVersionDto | null;
  @ApiProperty({ type: EffectivePolicyDto, description: 'The default with the override applied' })
  effective!: EffectivePolicyDto;
  @ApiProperty({
    type: ToolScopeResponseDto,
    description: 'The tool scope now (no environment: actuation gates closed)',
  })
  scope!: ToolScopeResponseDto;
}

export class DeniedCallDto {
  @ApiProperty()
  event_id!: string;
  @ApiProperty()
  session_id!: string;
  @ApiProperty()
  job_id!: string;
  @ApiProperty()
  tool!: string;
  @ApiProperty({ type: Object })
  input!: Record<string, unknown>;
  @ApiProperty()
  timestamp!: string;
  @ApiProperty()
  reason!: string;
  @ApiProperty({ type: String, nullable: true })
  rule!: string | null;
  @ApiProperty({ description: 'The scope in force denies it too' })
  denied_now!: boolean;
}

export class DryRunResultDto {
  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;
  @ApiProperty()
  agent_role!: string;
  @ApiProperty({ type: EffectivePolicyDto })
  proposed!: EffectivePolicyDto;
  @ApiProperty()
  evaluated!: number;
  @ApiProperty({ description: 'Calls the proposal would have denied' })
  denied_count!: number;
  @ApiProperty({ description: 'Of those, calls the scope in force allows' })
  newly_denied_count!: number;
  @ApiProperty({ description: 'Calls the proposal would allow that the scope in force denies' })
  newly_allowed_count!: number;
  @ApiProperty({ description: 'More calls were recorded than max_calls' })
  truncated!: boolean;
  @ApiProperty({ type: [DeniedCallDto], description: 'The denied calls (at most 500)' })
  denied!: DeniedCallDto[];
}

export function presentDocument(d: RoleDefaults | RoleOverride | null): PolicyDocumentDto | null {
  if (!d) return null;
  const limits: RateLimitsDto = {};
  if (d.rateLimits?.invocationsPerMinute !== undefined)
    limits.invocations_per_minute = d.rateLimits.invocationsPerMinute;
  if (d.rateLimits?.admissionsPerMinute !== undefined)
    limits.admissions_per_minute = d.rateLimits.admissionsPerMinute;
  if (d.rateLimits?.tokensPerMinute !== undefined) limits.tokens_per_minute = d.rateLimits.tokensPerMinute;
  return {
    allow: d.allow,
    deny: d.deny,
    ...(d.maxDurationS !== undefined ? { max_duration_s: d.maxDurationS } : {}),
    ...(d.maxTurns !== undefined ? { max_turns: d.maxTurns } : {}),
    ...(d.model !== undefined ? { model: d.model } : {}),
    ...(d.rateLimits ? { rate_limits: limits } : {}),
  };
}

export function presentVersion(v: PolicyVersion<RoleDefaults | RoleOverride>): PolicyVersionDto {
  return {
    version: v.version,
    tenant_id: v.tenantId,
    agent_role: v.agentRole,
    document: presentDocument(v.document),
    author_id: v.authorId,
    reason: v.reason,
    diff: v.diff,
    rollback_of: v.rollbackOf,
    created_at: v.createdAt.toISOString(),
  };
}

export function presentEffective(p: EffectivePolicy): EffectivePolicyDto {
  return {
    allow: p.allow,
    deny: p.deny,
    max_duration_s: p.maxDurationS,
    max_turns: p.maxTurns,
    model: p.model,
    rate_limits: {
      invocations_per_minute: p.rateLimits.invocationsPerMinute,
      admissions_per_minute: p.rateLimits.admissionsPerMinute,
      tokens_per_minute: p.rateLimits.tokensPerMinute,
    },
    default_version: p.defaultVersion,
    override_version: p.overrideVersion ?? null,
  };
}

export function presentDryRun(r: DryRunResult): DryRunResultDto {
  return {
    tenant_id: r.tenantId,
    agent_role: r.agentRole,
    proposed: presentEffective(r.proposed),
    evaluated: r.evaluated,
    denied_count: r.deniedCount,
    newly_denied_count: r.newlyDeniedCount,
    newly_allowed_count: r.newlyAllowedCount,
    truncated: r.truncated,
    denied: r.denied.map((d) => ({
      event_id: d.call.eventId,
      session_id: d.call.sessionId,
      job_id: d.call.jobId,
      tool: d.call.tool,
      input: d.call.input,
      timestamp: d.call.timestamp,
      reason: d.reason,
      rule: d.rule ?? null,
      denied_now: d.deniedNow,
    })),
  };
}
