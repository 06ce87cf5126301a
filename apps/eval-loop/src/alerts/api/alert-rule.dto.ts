import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALL_ENVIRONMENT_NAMES } from '@auraison/contracts';
import { ListQueryDto, PageMetaDto } from '@auraison/api-kit';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ALERT_METRICS, type AlertMetric } from '../domain/alert-rules.js';
import type { AlertRuleInput, StoredAlertRule } from '../persistence/alert-rule.repository.js';
import type { FiringAlert } from '../persistence/alert-state.repository.js';

const NUMBER = { allowNaN: false, allowInfinity: false };
const SEVERITIES = ['info', 'warning', 'critical'] as const;
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export class RuleIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  rule_id!: string;
}

export class AlertListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Tenant to read (default: your own)' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

/** Which slices a rule watches; every field left out matches all. */
export class AlertScopeDto {
  @ApiPropertyOptional({ example: 'notebook' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_.-]{0,63}$/, { message: 'scope.agent_role must be a role name' })
  agent_role?: string;

  @ApiPropertyOptional({ enum: ALL_ENVIRONMENT_NAMES })
  @IsOptional()
  @IsIn(ALL_ENVIRONMENT_NAMES)
  environment?: string;

  @ApiPropertyOptional({ description: "Experiment variant ('' = jobs outside experiments; omit for all)" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  variant?: string;

  @ApiPropertyOptional({ description: 'Job label value, e.g. lakehouse (omit for the slice of all jobs)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  job_label?: string;
}

/** A rule's settings (POST creates, PUT replaces every field). */
export class AlertRuleBodyDto {
  @ApiProperty({ description: 'Name (1-200 characters)', example: 'notebook failure rate' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: ALERT_METRICS, example: 'failure_rate' })
  @IsIn(ALERT_METRICS)
  metric!: AlertMetric;

  @ApiProperty({ enum: ['above', 'below'], description: 'Fire when the metric goes above / below threshold' })
  @IsIn(['above', 'below'])
  direction!: 'above' | 'below';

  @ApiProperty({
    description: 'Rates are fractions (0.2 = 20%), latencies ms, costs micro-units',
    example: 0.2,
  })
  @IsNumber(NUMBER)
  threshold!: number;

  @ApiPropertyOptional({
    description: 'Resolve only once back past this value (hysteresis; default: the threshold)',
    example: 0.15,
  })
  @IsOptional()
  @IsNumber(NUMBER)
  clear_threshold?: number;

  @ApiPropertyOptional({
    description: 'Slices with fewer runs are never judged (default EVAL_MIN_SAMPLE_SIZE)',
    minimum: 1,
    maximum: 1_000_000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  min_sample_size?: number;

  @ApiPropertyOptional({
    description: 'Hours of events judged (default: the evaluation window)',
    minimum: 1,
    maximum: 2160,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2160)
  window_hours?: number;

  @ApiPropertyOptional({ type: AlertScopeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AlertScopeDto)
  scope?: AlertScopeDto;

  @ApiPropertyOptional({ enum: SEVERITIES, default: 'warning' })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: (typeof SEVERITIES)[number];

  @ApiPropertyOptional({
    description: 'POSTed a signed JSON body on every transition',
    example: 'https://hooks.example.com/mp',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  webhook_url?: string;

  @ApiPropertyOptional({
    description:
      'HMAC-SHA256 key of X-Auraison-Signature (16-200 characters). Write-only; on PUT, omit to keep it',
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  @Length(16, 200)
  webhook_secret?: string;

  toInput(defaultMinSample: number): AlertRuleInput {
    return {
      name: this.name,
      metric: this.metric,
      direction: this.direction,
      threshold: this.threshold,
      ...(this.clear_threshold !== undefined ? { clearThreshold: this.clear_threshold } : {}),
      minSampleSize: this.min_sample_size ?? defaultMinSample,
      ...(this.window_hours !== undefined ? { windowHours: this.window_hours } : {}),
      scope: {
        ...(this.scope?.agent_role !== undefined ? { agentRole: this.scope.agent_role } : {}),
        ...(this.scope?.environment !== undefined ? { environment: this.scope.environment } : {}),
        ...(this.scope?.variant !== undefined ? { variant: this.scope.variant } : {}),
        ...(this.scope?.job_label ? { jobLabel: this.scope.job_label } : {}),
      },
      severity: this.severity ?? 'warning',
      ...(this.webhook_url !== undefined ? { webhookUrl: this.webhook_url } : {}),
      ...(this.webhook_secret !== undefined ? { webhookSecret: this.webhook_secret } : {}),
    };
  }
}

export class CreateAlertRuleDto extends AlertRuleBodyDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Tenant the rule watches (default: your own)' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({
    description: 'A platform-wide rule over every tenant (platform admins)',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  platform?: boolean;
}

export class AlertRuleResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for a platform-wide rule' })
  tenant_id!: string | null;
  @ApiProperty() platform!: boolean;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ALERT_METRICS }) metric!: string;
  @ApiProperty({ enum: ['above', 'below'] }) direction!: string;
  @ApiProperty() threshold!: number;
  @ApiProperty({ type: Number, nullable: true }) clear_threshold!: number | null;
  @ApiProperty() min_sample_size!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null = the evaluation window' })
  window_hours!: number | null;
  @ApiProperty({ type: AlertScopeDto }) scope!: AlertScopeDto;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Shown whole to callers who may edit rules; others see only its origin',
  })
  webhook_url!: string | null;
  @ApiProperty({ description: 'A signing secret is stored (it is never returned)' })
  has_webhook_secret!: boolean;
  @ApiProperty({ format: 'uuid' }) created_by!: string;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at!: Date;
}

export class AlertRulePageDto extends PageMetaDto {
  @ApiProperty({ type: AlertRuleResponseDto, isArray: true }) items!: AlertRuleResponseDto[];
}

export class FiringAlertResponseDto {
  @ApiProperty({ format: 'uuid', description: 'Stable id of the alert (rule x tenant x slice)' })
  alert_id!: string;
  @ApiProperty({ format: 'uuid' }) rule_id!: string;
  @ApiProperty() rule_name!: string;
  @ApiProperty() platform_rule!: boolean;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ enum: ['firing'] }) state!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty({ enum: ALERT_METRICS }) metric!: string;
  @ApiProperty({ enum: ['above', 'below'] }) direction!: string;
  @ApiProperty() threshold!: number;
  @ApiProperty({ description: 'The value at the latest evaluation' }) value!: number;
  @ApiProperty({ description: 'The slice: agent_role, environment, model, variant, job_label, metric' })
  labels!: Record<string, string>;
  @ApiProperty({ description: 'The latest signal sentence' }) text!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'Firing since' }) since!: Date;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) last_run_id!: string | null;
}

export class FiringAlertPageDto extends PageMetaDto {
  @ApiProperty({ type: FiringAlertResponseDto, isArray: true }) items!: FiringAlertResponseDto[];
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

export function toAlertRuleResponse(r: StoredAlertRule, showWebhookUrl: boolean): AlertRuleResponseDto {
  return {
    id: r.id,
    tenant_id: r.tenantId ?? null,
    platform: r.tenantId === undefined,
    name: r.name,
    metric: r.metric,
    direction: r.direction,
    threshold: r.threshold,
    clear_threshold: r.clearThreshold ?? null,
    min_sample_size: r.minSampleSize,
    window_hours: r.windowHours ?? null,
    scope: {
      ...(r.scope.agentRole !== undefined ? { agent_role: r.scope.agentRole } : {}),
      ...(r.scope.environment !== undefined ? { environment: r.scope.environment } : {}),
      ...(r.scope.variant !== undefined ? { variant: r.scope.variant } : {}),
      ...(r.scope.jobLabel !== undefined ? { job_label: r.scope.jobLabel } : {}),
    },
    severity: r.severity,
    webhook_url: r.webhookUrl === undefined ? null : showWebhookUrl ? r.webhookUrl : origin(r.webhookUrl),
    has_webhook_secret: r.hasWebhookSecret,
    created_by: r.createdBy,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export function toFiringAlertResponse(a: FiringAlert): FiringAlertResponseDto {
  return {
    alert_id: a.alertId,
    rule_id: a.ruleId,
    rule_name: a.ruleName,
    platform_rule: a.platformRule,
    tenant_id: a.tenantId,
    state: 'firing',
    severity: a.severity,
    metric: a.metric,
    direction: a.direction,
    threshold: a.threshold,
    value: a.value,
    labels: a.labels,
    text: a.text,
    since: a.since,
    last_run_id: a.lastRunId ?? null,
  };
}
