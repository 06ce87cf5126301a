import { ApiProperty } from '@nestjs/swagger';
import { buildMessage, IsInt, IsNumber, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { decimalFromNumber, decimalToNumber, hasAtMostThreeDecimals } from '../domain/decimal.js';
import { QUOTA_LIMITS, type Quota } from '../domain/tenant.js';

/** A JSON number with at most three decimals (GPU-hours, CPU cores, GiB are stored as numeric(…, 3)). */
function HasAtMostThreeDecimals(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasAtMostThreeDecimals',
      validator: {
        validate: (value: unknown) => typeof value === 'number' && hasAtMostThreeDecimals(value),
        defaultMessage: buildMessage((each) => `${each}$property must have at most three decimals`, options),
      },
    },
    options,
  );
}

const NUMBER = { allowNaN: false, allowInfinity: false };

/** A tenant's quota configuration (every field required: PUT replaces the whole quota). */
export class QuotaDto {
  @ApiProperty({
    description: 'GPU-hours per period (at most three decimals)',
    example: 120.5,
    minimum: 0,
    maximum: QUOTA_LIMITS.gpuHoursPerPeriod,
  })
  @IsNumber(NUMBER)
  @Min(0)
  @Max(QUOTA_LIMITS.gpuHoursPerPeriod)
  @HasAtMostThreeDecimals()
  gpu_hours_per_period!: number;

  @ApiProperty({
    description: 'Tokens (input + output) per period',
    example: 50_000_000,
    minimum: 0,
    maximum: QUOTA_LIMITS.tokenBudgetPerPeriod,
  })
  @IsInt()
  @Min(0)
  @Max(QUOTA_LIMITS.tokenBudgetPerPeriod)
  token_budget_per_period!: number;

  @ApiProperty({
    description: 'Jobs running or reserved at the same time',
    example: 4,
    minimum: 0,
    maximum: QUOTA_LIMITS.maxJobsInFlight,
  })
  @IsInt()
  @Min(0)
  @Max(QUOTA_LIMITS.maxJobsInFlight)
  max_jobs_in_flight!: number;

  @ApiProperty({
    description: 'Maximum job duration in seconds when a job does not ask for one',
    example: 3600,
    minimum: 1,
    maximum: QUOTA_LIMITS.defaultMaxJobDurationS,
  })
  @IsInt()
  @Min(1)
  @Max(QUOTA_LIMITS.defaultMaxJobDurationS)
  default_max_job_duration_s!: number;

  @ApiProperty({
    description: 'Day of the month (1-28) a period starts on',
    example: 1,
    minimum: 1,
    maximum: 28,
  })
  @IsInt()
  @Min(1)
  @Max(28)
  period_anchor_day!: number;

  @ApiProperty({
    description: 'GPUs the namespace may request at once (ResourceQuota requests.nvidia.com/gpu)',
    example: 8,
    minimum: 0,
    maximum: QUOTA_LIMITS.maxGpus,
  })
  @IsInt()
  @Min(0)
  @Max(QUOTA_LIMITS.maxGpus)
  max_gpus!: number;

  @ApiProperty({
    description: 'CPU cores of the namespace (requests.cpu and limits.cpu; at most three decimals)',
    example: 64,
    minimum: 0,
    maximum: QUOTA_LIMITS.cpuCores,
  })
  @IsNumber(NUMBER)
  @Min(0)
  @Max(QUOTA_LIMITS.cpuCores)
  @HasAtMostThreeDecimals()
  cpu_cores!: number;

  @ApiProperty({
    description: 'Memory of the namespace in GiB (requests.memory and limits.memory; at most three decimals)',
    example: 256,
    minimum: 0,
    maximum: QUOTA_LIMITS.memoryGib,
  })
  @IsNumber(NUMBER)
  @Min(0)
  @Max(QUOTA_LIMITS.memoryGib)
  @HasAtMostThreeDecimals()
  memory_gib!: number;
}

export function quotaFromDto(dto: QuotaDto): Quota {
  return {
    gpuHoursPerPeriod: decimalFromNumber(dto.gpu_hours_per_period),
    tokenBudgetPerPeriod: dto.token_budget_per_period,
    maxJobsInFlight: dto.max_jobs_in_flight,
    defaultMaxJobDurationS: dto.default_max_job_duration_s,
    periodAnchorDay: dto.period_anchor_day,
    maxGpus: dto.max_gpus,
    cpuCores: decimalFromNumber(dto.cpu_cores),
    memoryGib: decimalFromNumber(dto.memory_gib),
  };
}

/** The quota as the API shows it (same fields as QuotaDto). */
export class QuotaResponseDto extends QuotaDto {}

/** GET/PUT /tenants/:id/quota: the quota plus whose it is and the tenant revision it belongs to. */
export class TenantQuotaResponseDto extends QuotaDto {
  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty({ description: 'Tenant revision this quota belongs to' })
  revision!: number;
}

export function toQuotaResponse(q: Quota): QuotaResponseDto {
  return {
    gpu_hours_per_period: decimalToNumber(q.gpuHoursPerPeriod),
    token_budget_per_period: q.tokenBudgetPerPeriod,
    max_jobs_in_flight: q.maxJobsInFlight,
    default_max_job_duration_s: q.defaultMaxJobDurationS,
    period_anchor_day: q.periodAnchorDay,
    max_gpus: q.maxGpus,
    cpu_cores: decimalToNumber(q.cpuCores),
    memory_gib: decimalToNumber(q.memoryGib),
  };
}
