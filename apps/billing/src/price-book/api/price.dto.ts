import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALL_ENVIRONMENT_NAMES } from '@auraison/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IsInstant, IsReason, IsUsdDecimal } from '../../common/api/validators.js';
import { formatUsd, parseUsd } from '../../common/domain/money.js';
import type { ModelRates, PriceVersion } from '../domain/price-book.js';

/** Model ids: `claude-sonnet-4-5`, `claude-sonnet-4-5-20250929`, provider ids with `.`, `:` or `@`. */
export const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$/;

export class ModelParams {
  @ApiProperty({ example: 'claude-sonnet-4-5', description: 'Model id as AgentEvent.model reports it' })
  @IsString()
  @Matches(MODEL_ID, { message: 'model must be 1-100 letters, digits, ".", "_", ":", "@" or "-"' })
  model!: string;
}

export class EnvironmentParams {
  @ApiProperty({ enum: ALL_ENVIRONMENT_NAMES, example: 'torch.dev.gpu' })
  @IsIn(ALL_ENVIRONMENT_NAMES, { message: `environment must be one of ${ALL_ENVIRONMENT_NAMES.join(', ')}` })
  environment!: string;
}

export class ModelRateDto {
  @ApiProperty({ example: '3.00', description: 'USD per million input tokens' })
  @IsUsdDecimal()
  input!: string;

  @ApiProperty({ example: '15.00', description: 'USD per million output tokens' })
  @IsUsdDecimal()
  output!: string;

  @ApiProperty({ example: '0.30', description: 'USD per million tokens read from the prompt cache' })
  @IsUsdDecimal()
  cache_read!: string;

  @ApiProperty({ example: '3.75', description: 'USD per million tokens written to the prompt cache' })
  @IsUsdDecimal()
  cache_write!: string;

  @ApiPropertyOptional({
    example: '2027-01-01T00:00:00Z',
    description:
      'When the rate takes effect (default: now). Usage is priced at the rate in force at its time.',
  })
  @IsOptional()
  @IsInstant()
  effective_from?: string;

  @ApiProperty({ example: 'Anthropic list price', description: 'Why (kept in the history)' })
  @IsReason()
  reason!: string;

  rates(): ModelRates {
    return {
      input: parseUsd(this.input),
      output: parseUsd(this.output),
      cacheRead: parseUsd(this.cache_read),
      cacheWrite: parseUsd(this.cache_write),
    };
  }
}

export class GpuRateDto {
  @ApiProperty({ example: '2.50', description: 'USD per GPU-hour' })
  @IsUsdDecimal()
  per_gpu_hour!: string;

  @ApiPropertyOptional({
    example: '2027-01-01T00:00:00Z',
    description: 'When the rate takes effect (default: now)',
  })
  @IsOptional()
  @IsInstant()
  effective_from?: string;

  @ApiProperty({ example: 'contract with the GPU provider', description: 'Why (kept in the history)' })
  @IsReason()
  reason!: string;
}

export class WithdrawRateQuery {
  @ApiProperty({
    example: '2027-01-01T00:00:00Z',
    description: 'effective_from of the schedule entry to withdraw (exactly)',
  })
  @IsInstant()
  effective_from!: string;

  @ApiProperty({ description: 'Why (kept in the history)' })
  @IsReason()
  reason!: string;
}

export class PricesQuery {
  @ApiPropertyOptional({
    example: '2026-12-01T00:00:00Z',
    description: 'Rates in force at this time (default now)',
  })
  @IsOptional()
  @IsInstant()
  at?: string;
}

export class PriceHistoryQuery {
  @ApiPropertyOptional({ enum: ['model', 'gpu'] })
  @IsOptional()
  @IsIn(['model', 'gpu'])
  kind?: 'model' | 'gpu';

  @ApiPropertyOptional({ description: 'A model id or an environment name', example: 'claude-sonnet-4-5' })
  @IsOptional()
  @IsString()
  @Matches(MODEL_ID, { message: 'key must be a model id or an environment name' })
  key?: string;

  @ApiPropertyOptional({ description: 'Versions older than this one (the next_before of the previous page)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  before?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class PriceVersionDto {
  @ApiProperty({ description: 'Version number (global, increasing); usage lines name the version they used' })
  version!: number;

  @ApiProperty({ enum: ['model', 'gpu'] })
  kind!: string;

  @ApiProperty({
    description: 'Model id (kind model) or environment name (kind gpu)',
    example: 'claude-sonnet-4-5',
  })
  key!: string;

  @ApiProperty({ example: '2026-12-01T00:00:00.000Z' })
  effective_from!: string;

  @ApiPropertyOptional({ example: '3.000000', description: 'USD per million input tokens' })
  input?: string;

  @ApiPropertyOptional({ example: '15.000000', description: 'USD per million output tokens' })
  output?: string;

  @ApiPropertyOptional({ example: '0.300000', description: 'USD per million cache-read tokens' })
  cache_read?: string;

  @ApiPropertyOptional({ example: '3.750000', description: 'USD per million cache-write tokens' })
  cache_write?: string;

  @ApiPropertyOptional({ example: '2.500000', description: 'USD per GPU-hour' })
  per_gpu_hour?: string;

  @ApiProperty({ description: 'True when this version withdrew the entry at effective_from' })
  withdrawn!: boolean;

  @ApiProperty()
  created_at!: string;

  @ApiProperty({ description: 'Who made the change (user or service account id, or "seed")' })
  created_by!: string;

  @ApiProperty()
  reason!: string;
}

export function toPriceVersionDto(v: PriceVersion): PriceVersionDto {
  return {
    version: v.version,
    kind: v.kind,
    key: v.key,
    effective_from: v.effectiveFrom.toISOString(),
    ...(v.model
      ? {
          input: formatUsd(v.model.input),
          output: formatUsd(v.model.output),
          cache_read: formatUsd(v.model.cacheRead),
          cache_write: formatUsd(v.model.cacheWrite),
        }
      : {}),
    ...(v.gpuHour !== undefined ? { per_gpu_hour: formatUsd(v.gpuHour) } : {}),
    withdrawn: v.withdrawn,
    created_at: v.createdAt.toISOString(),
    created_by: v.createdBy,
    reason: v.reason,
  };
}

export class PricesResponseDto {
  @ApiProperty({ description: 'Latest price-book version' })
  version!: number;

  @ApiProperty()
  at!: string;

  @ApiProperty({
    type: [PriceVersionDto],
    description: 'The rate of every model and environment in force at `at`',
  })
  in_force!: PriceVersionDto[];

  @ApiProperty({ type: [PriceVersionDto], description: 'Rates that take effect after `at`' })
  upcoming!: PriceVersionDto[];
}

export class PriceHistoryResponseDto {
  @ApiProperty({ type: [PriceVersionDto], description: 'Newest first' })
  items!: PriceVersionDto[];

  @ApiProperty({ type: Number, nullable: true, description: 'Pass as ?before= for the next page' })
  next_before!: number | null;
}
