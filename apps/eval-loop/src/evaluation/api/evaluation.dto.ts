import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALL_ENVIRONMENT_NAMES } from '@auraison/contracts';
import { ListQueryDto, PageMetaDto } from '@auraison/api-kit';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  RUN_STATUSES,
  RUN_TRIGGERS,
  type EvaluationRun,
  type RunStatus,
  type RunTrigger,
} from '../domain/run.js';
import type { ExperimentFigures, SignalFigures } from '../domain/signals.js';

const ROLE = /^[a-z][a-z0-9_.-]{0,63}$/;

export { TenantQueryDto } from '../../common/tenant-query.dto.js';

export class RunIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  run_id!: string;
}

export class RunListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Tenant to read (default: your own)' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: RunStatus;

  @ApiPropertyOptional({ enum: RUN_TRIGGERS })
  @IsOptional()
  @IsIn(RUN_TRIGGERS)
  trigger?: RunTrigger;
}

export class SummaryListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Tenant to read (default: your own)' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

export class SignalsQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Tenant to read (default: your own)' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Run whose signals to read (default: the latest finished)',
  })
  @IsOptional()
  @IsUUID()
  run_id?: string;

  @ApiPropertyOptional({ example: 'notebook' })
  @IsOptional()
  @Matches(ROLE, { message: 'agent_role must be a role name (lowercase letters, digits, _ . -)' })
  agent_role?: string;

  @ApiPropertyOptional({ enum: ALL_ENVIRONMENT_NAMES })
  @IsOptional()
  @IsIn(ALL_ENVIRONMENT_NAMES)
  environment?: string;

  @ApiPropertyOptional({ example: 'claude-sonnet-4-5' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;

  @ApiPropertyOptional({ description: "Experiment variant ('' = no experiment)" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  variant?: string;

  @ApiPropertyOptional({ description: "Job label value, e.g. lakehouse ('' = the slice of all jobs)" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  job_label?: string;

  @ApiPropertyOptional({ description: 'Only small samples (true) or only conclusive ones (false)' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  small_sample?: boolean;
}

export class RequestRunDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Tenant to evaluate (default: your own)' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({
    description: 'Hours to evaluate, ending now (default EVAL_WINDOW_HOURS)',
    minimum: 1,
    maximum: 2160,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2160)
  window_hours?: number;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Evaluate the window ending at this past time (backfill; default: when the run starts)',
    example: '2026-12-04T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  window_end?: string;
}

export class RunResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ enum: RUN_TRIGGERS }) trigger!: string;
  @ApiProperty({ enum: RUN_STATUSES }) status!: string;
  @ApiProperty({ description: 'Hours evaluated' }) window_hours!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) window_start!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) window_end!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Schedule fire time' })
  scheduled_for!: Date | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who asked (manual runs)' })
  requested_by!: string | null;
  @ApiProperty({ description: 'Attempts started so far' }) attempt!: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a queued run may start',
  })
  next_attempt_at!: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) started_at!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finished_at!: Date | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why signals lack costs or W&B metrics' })
  degraded_reason!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The last attempt’s error' }) error!:
    string | null;
  @ApiProperty({
    description: 'Input read: executions, agent_events, outcomes, jobs, jobs_with_cost, wandb_runs',
  })
  inputs!: Record<string, number>;
  @ApiProperty({ description: 'Milliseconds per phase: fetch_ms, compute_ms, store_ms, total_ms' })
  timings!: Record<string, number>;
}

export class RunPageDto extends PageMetaDto {
  @ApiProperty({ type: RunResponseDto, isArray: true }) items!: RunResponseDto[];
}

export class SignalResponseDto {
  @ApiProperty({ example: 'notebook' }) agent_role!: string;
  @ApiProperty({ example: 'torch.dev.gpu' }) environment!: string;
  @ApiProperty({ example: 'claude-sonnet-4-5' }) model!: string;
  @ApiProperty({ description: "'' when not in an experiment" }) variant!: string;
  @ApiProperty({ description: "'' for the slice of all jobs", example: 'lakehouse' }) job_label!: string;
  @ApiProperty({ description: 'Terminal executions' }) runs!: number;
  @ApiProperty() successes!: number;
  @ApiProperty() success_rate!: number;
  @ApiProperty({ description: 'Lower bound of the 95% Wilson interval' }) success_rate_ci_low!: number;
  @ApiProperty({ description: 'Upper bound of the 95% Wilson interval' }) success_rate_ci_high!: number;
  @ApiProperty() failure_rate!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null when no run had a known duration' })
  latency_p50_ms!: number | null;
  @ApiProperty({ type: Number, nullable: true }) latency_p90_ms!: number | null;
  @ApiProperty({ type: Number, nullable: true }) latency_p99_ms!: number | null;
  @ApiProperty({ description: 'Tokens (in + out) per successful job' }) tokens_per_success!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Cost per successful job in micro-units (integer string); null when billing knows none',
    example: '2500000',
  })
  cost_micros_per_success!: string | null;
  @ApiProperty({ description: 'Mean W&B summary metrics of the slice' }) wandb_metrics!: Record<
    string,
    number
  >;
  @ApiProperty({ description: 'wandb_metrics minus the previous window’s' })
  wandb_metric_deltas!: Record<string, number>;
  @ApiProperty({ description: 'Fewer runs than EVAL_MIN_SAMPLE_SIZE: reported, never alarmed on' })
  small_sample!: boolean;
  @ApiProperty({
    example: 'notebook on torch.dev.gpu: 23% failure rate for lakehouse jobs (n=412, 95% CI 19-27%)',
  })
  text!: string;
}

export class ExperimentResponseDto {
  @ApiProperty() experiment_id!: string;
  @ApiProperty() agent_role!: string;
  @ApiProperty() control_variant!: string;
  @ApiProperty() variant!: string;
  @ApiProperty() control_runs!: number;
  @ApiProperty() control_successes!: number;
  @ApiProperty() variant_runs!: number;
  @ApiProperty() variant_successes!: number;
  @ApiProperty({ description: 'Two-sided p-value of the two-proportion z-test' }) p_value!: number;
  @ApiProperty({ example: 'haiku is better than control (success 75% vs 60%, p<0.0001)' }) verdict!: string;
}

export class SummaryResponseDto {
  @ApiProperty({ format: 'uuid' }) run_id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ enum: RUN_TRIGGERS }) trigger!: string;
  @ApiProperty({ type: String, format: 'date-time' }) window_start!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) window_end!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) finished_at!: Date;
  @ApiProperty({ description: 'True when costs or W&B metrics could not be read' }) degraded!: boolean;
  @ApiProperty({ type: String, nullable: true }) degraded_reason!: string | null;
  @ApiProperty({ description: 'Event id of the EvaluationSummary on mp.eval.summaries' }) event_id!: string;
  @ApiProperty() signal_count!: number;
  @ApiProperty({ type: ExperimentResponseDto, isArray: true }) experiments!: ExperimentResponseDto[];
  @ApiPropertyOptional({ type: SignalResponseDto, isArray: true, description: 'In GET /summaries/:run_id' })
  signals?: SignalResponseDto[];
}

export class SummaryPageDto extends PageMetaDto {
  @ApiProperty({ type: SummaryResponseDto, isArray: true }) items!: SummaryResponseDto[];
}

export class SignalsResponseDto {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null when no run has finished yet',
  })
  run_id!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) window_start!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) window_end!: Date | null;
  @ApiProperty({ type: SignalResponseDto, isArray: true }) items!: SignalResponseDto[];
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function toRunResponse(r: EvaluationRun): RunResponseDto {
  return {
    id: r.id,
    tenant_id: r.tenantId,
    trigger: r.trigger,
    status: r.status,
    window_hours: r.windowHours,
    window_start: orNull(r.windowStart),
    window_end: orNull(r.windowEnd),
    scheduled_for: orNull(r.scheduledFor),
    requested_by: orNull(r.requestedBy),
    attempt: r.attempt,
    next_attempt_at: r.status === 'queued' ? r.nextAttemptAt : null,
    created_at: r.createdAt,
    started_at: orNull(r.startedAt),
    finished_at: orNull(r.finishedAt),
    degraded_reason: orNull(r.degradedReason),
    error: orNull(r.error),
    inputs: r.inputs,
    timings: r.timings,
  };
}

export function toSignalResponse(s: SignalFigures): SignalResponseDto {
  return {
    agent_role: s.agentRole,
    environment: s.environment,
    model: s.model,
    variant: s.variant,
    job_label: s.jobLabel,
    runs: s.runs,
    successes: s.successes,
    success_rate: s.successRate,
    success_rate_ci_low: s.ciLow,
    success_rate_ci_high: s.ciHigh,
    failure_rate: 1 - s.successRate,
    latency_p50_ms: finiteOrNull(s.latencyP50Ms),
    latency_p90_ms: finiteOrNull(s.latencyP90Ms),
    latency_p99_ms: finiteOrNull(s.latencyP99Ms),
    tokens_per_success: s.tokensPerSuccess,
    cost_micros_per_success: s.costMicrosPerSuccess === null ? null : s.costMicrosPerSuccess.toString(),
    wandb_metrics: s.wandbMetrics,
    wandb_metric_deltas: s.wandbMetricDeltas,
    small_sample: s.smallSample,
    text: s.text,
  };
}

export function toExperimentResponse(e: ExperimentFigures): ExperimentResponseDto {
  return {
    experiment_id: e.experimentId,
    agent_role: e.agentRole,
    control_variant: e.controlVariant,
    variant: e.variant,
    control_runs: e.controlRuns,
    control_successes: e.controlSuccesses,
    variant_runs: e.variantRuns,
    variant_successes: e.variantSuccesses,
    p_value: e.pValue,
    verdict: e.verdict,
  };
}

export function toSummaryResponse(r: EvaluationRun, signals?: readonly SignalFigures[]): SummaryResponseDto {
  return {
    run_id: r.id,
    tenant_id: r.tenantId,
    trigger: r.trigger,
    window_start: r.windowStart!,
    window_end: r.windowEnd!,
    finished_at: r.finishedAt!,
    degraded: r.status === 'degraded',
    degraded_reason: orNull(r.degradedReason),
    event_id: r.summaryEventId ?? '',
    signal_count: signals?.length ?? r.inputs.signals ?? 0,
    experiments: r.experiments.map(toExperimentResponse),
    ...(signals ? { signals: signals.map(toSignalResponse) } : {}),
  };
}
