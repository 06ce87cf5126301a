import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { PERIOD_DESCRIPTION, PERIOD_TEXT } from '../../common/api/validators.js';
import { formatThousandths, formatUsd } from '../../common/domain/money.js';
import type { BillingPeriod } from '../../common/domain/period.js';
import { isClosed } from '../../common/domain/period.js';
import { totalCost, type UsageFigures } from '../persistence/usage.repository.js';

export class TenantQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Default: the caller's tenant" })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

export class PeriodQuery extends TenantQuery {
  @ApiPropertyOptional({ example: '2026-12', description: PERIOD_DESCRIPTION })
  @IsOptional()
  @Matches(PERIOD_TEXT, { message: 'period must be a month (2026-12) or a date (2026-12-20)' })
  period?: string;
}

export class UsageQuery extends PeriodQuery {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 1000,
    default: 100,
    description: 'Most entries per breakdown (those costing most)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  breakdown_limit?: number;
}

export class JobParams {
  @ApiProperty({ example: 'job-7f3a', description: 'The management-plane job id' })
  @IsString()
  @Length(1, 200)
  job_id!: string;
}

export class PeriodDto {
  @ApiProperty({ example: '2026-12' })
  label!: string;

  @ApiProperty({ example: '2026-12-01T00:00:00.000Z' })
  start!: string;

  @ApiProperty({ example: '2027-01-01T00:00:00.000Z', description: 'Exclusive' })
  end!: string;

  @ApiProperty({ example: 1, description: 'Day of the month periods start on' })
  anchor_day!: number;

  @ApiProperty({ description: 'True once the period has ended' })
  closed!: boolean;
}

export function toPeriodDto(p: BillingPeriod, now = new Date()): PeriodDto {
  return {
    label: p.label,
    start: p.start.toISOString(),
    end: p.end.toISOString(),
    anchor_day: p.anchorDay,
    closed: isClosed(p, now),
  };
}

/** Usage and cost of a tenant's period, or of one breakdown entry. Money in USD decimal strings. */
export class UsageFiguresDto {
  @ApiProperty({ description: 'Usage events (AgentEvents and terminal ExecutionEvents)' })
  events!: number;

  @ApiProperty({ description: 'Of those, events with no rate (their cost is not included yet)' })
  unpriced_events!: number;

  @ApiProperty()
  input_tokens!: number;

  @ApiProperty()
  output_tokens!: number;

  @ApiProperty()
  cache_read_tokens!: number;

  @ApiProperty()
  cache_write_tokens!: number;

  @ApiProperty({ example: '3600.000', description: 'GPU-seconds (three decimals, exact)' })
  gpu_seconds!: string;

  @ApiProperty({ example: '12.345678', description: 'Cost of tokens, USD' })
  token_cost!: string;

  @ApiProperty({ example: '2.500000', description: 'Cost of GPU time, USD' })
  gpu_cost!: string;

  @ApiProperty({ example: '0.000000', description: 'Re-pricing adjustments, USD (may be negative)' })
  adjustments!: string;

  @ApiProperty({ example: '14.845678', description: 'token_cost + gpu_cost + adjustments, USD' })
  cost!: string;
}

export class BreakdownEntryDto extends UsageFiguresDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Job id, user id, agent role, model or environment; null for usage without one',
  })
  key!: string | null;
}

export class BreakdownDto {
  @ApiProperty({ type: [BreakdownEntryDto], description: 'Costliest first' })
  items!: BreakdownEntryDto[];

  @ApiProperty({ description: 'Entries in this breakdown (items may show fewer: breakdown_limit)' })
  total_count!: number;
}

export class BreakdownsDto {
  @ApiProperty({ type: BreakdownDto })
  job!: BreakdownDto;

  @ApiProperty({ type: BreakdownDto })
  user!: BreakdownDto;

  @ApiProperty({ type: BreakdownDto })
  agent_role!: BreakdownDto;

  @ApiProperty({ type: BreakdownDto })
  model!: BreakdownDto;

  @ApiProperty({ type: BreakdownDto })
  environment!: BreakdownDto;
}

export class UsageResponseDto {
  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty({ type: PeriodDto })
  period!: PeriodDto;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ type: UsageFiguresDto })
  total!: UsageFiguresDto;

  @ApiProperty({ type: BreakdownsDto })
  breakdowns!: BreakdownsDto;
}

const num = (v: bigint): number => Number(v);

export function toFiguresDto(f: UsageFigures): UsageFiguresDto {
  return {
    events: num(f.events),
    unpriced_events: num(f.unpricedEvents),
    input_tokens: num(f.inputTokens),
    output_tokens: num(f.outputTokens),
    cache_read_tokens: num(f.cacheReadTokens),
    cache_write_tokens: num(f.cacheWriteTokens),
    gpu_seconds: formatThousandths(f.gpuMs),
    token_cost: formatUsd(f.inputCost + f.outputCost + f.cacheReadCost + f.cacheWriteCost),
    gpu_cost: formatUsd(f.gpuCost),
    adjustments: formatUsd(f.adjustments),
    cost: formatUsd(totalCost(f)),
  };
}

export class UsageLineDto {
  @ApiProperty()
  event_id!: string;

  @ApiProperty({ enum: ['agent', 'execution'], description: 'AgentEvent or ExecutionEvent' })
  source!: string;

  @ApiProperty()
  occurred_at!: string;

  @ApiProperty({ example: '2026-12', description: 'Billing period the line belongs to' })
  period!: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  user_id!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'notebook' })
  agent_role!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'claude-sonnet-4-5' })
  model!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'torch.dev.gpu' })
  environment!: string | null;

  @ApiProperty({
    enum: ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'gpu_seconds'],
  })
  unit!: string;

  @ApiProperty({ example: '1200', description: 'Tokens, or GPU-seconds with three decimals' })
  quantity!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '3.000000',
    description: 'Rate applied (null: unpriced)',
  })
  rate!: string | null;

  @ApiProperty({ example: 'USD per million tokens' })
  rate_unit!: string;

  @ApiProperty({ type: Number, nullable: true, description: 'Price-book version used (null: unpriced)' })
  rate_version!: number | null;

  @ApiProperty({ type: String, nullable: true, example: '0.003600', description: 'USD; null while unpriced' })
  cost!: string | null;
}

export class AdjustmentDto {
  @ApiProperty({ description: 'The re-pricing run that wrote it' })
  reprice_id!: number;

  @ApiProperty()
  event_id!: string;

  @ApiProperty({ description: 'Price-book version the line is re-priced at' })
  rate_version!: number;

  @ApiProperty({ example: '-0.001200', description: 'USD added to the line (negative: a credit)' })
  delta!: string;

  @ApiProperty()
  created_at!: string;
}

export class JobCostResponseDto {
  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty()
  job_id!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ example: '0.012345', description: 'Token lines, USD' })
  token_cost!: string;

  @ApiProperty({ example: '2.500000', description: 'GPU lines, USD' })
  gpu_cost!: string;

  @ApiProperty({ example: '0.000000', description: 'Adjustments, USD' })
  adjustments!: string;

  @ApiProperty({ example: '2.512345', description: 'token_cost + gpu_cost + adjustments, USD' })
  cost!: string;

  @ApiProperty({ description: 'Lines with no rate yet (not in cost)' })
  unpriced_lines!: number;

  @ApiProperty({ type: [UsageLineDto], description: 'One line per event and unit, oldest first' })
  lines!: UsageLineDto[];

  @ApiProperty({ type: [AdjustmentDto] })
  adjustment_lines!: AdjustmentDto[];
}

export class UnpricedGroupDto {
  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty({ enum: ['agent', 'execution'] })
  source!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The model with no rate (token usage)' })
  model!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The environment with no rate (GPU usage)' })
  environment!: string | null;

  @ApiProperty()
  lines!: number;

  @ApiProperty()
  input_tokens!: number;

  @ApiProperty()
  output_tokens!: number;

  @ApiProperty()
  cache_read_tokens!: number;

  @ApiProperty()
  cache_write_tokens!: number;

  @ApiProperty({ example: '120.000' })
  gpu_seconds!: string;

  @ApiProperty()
  first_at!: string;

  @ApiProperty()
  last_at!: string;
}

export class UnpricedResponseDto {
  @ApiProperty({
    type: [UnpricedGroupDto],
    description: 'Unpriced usage grouped by tenant, model or environment',
  })
  items!: UnpricedGroupDto[];

  @ApiProperty()
  total_lines!: number;
}
