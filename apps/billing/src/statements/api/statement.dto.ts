import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { IsReason, PERIOD_TEXT } from '../../common/api/validators.js';
import { formatUsd } from '../../common/domain/money.js';
import { PeriodDto, toPeriodDto } from '../../usage/api/usage.dto.js';
import { formatQuantity, type Statement } from '../domain/statement.js';
import type { RepriceRun } from '../persistence/reprice.repository.js';
import { periodFromStartDate } from '../../common/domain/period.js';

export class StatementQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Default: the caller's tenant" })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiProperty({ example: '2026-11', description: 'A closed period: a month (2026-11) or a date in it' })
  @Matches(PERIOD_TEXT, { message: 'period must be a month (2026-11) or a date (2026-11-20)' })
  period!: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'Or send Accept: text/csv' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class StatementLineDto {
  @ApiProperty({ example: 'claude-sonnet-4-5', description: 'Model, or environment for GPU time' })
  item!: string;

  @ApiProperty({
    enum: ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'gpu_seconds'],
  })
  unit!: string;

  @ApiProperty({ example: '1200000', description: 'Tokens, or GPU-seconds with three decimals' })
  quantity!: string;

  @ApiProperty({ example: '3.600000', description: 'USD' })
  amount!: string;
}

export class StatementAdjustmentDto {
  @ApiProperty()
  reprice_id!: number;

  @ApiProperty()
  created_at!: string;

  @ApiProperty()
  requested_by!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty()
  price_book_version!: number;

  @ApiProperty()
  lines_adjusted!: number;

  @ApiProperty({ example: '-1.200000', description: 'USD' })
  amount!: string;
}

export class StatementUnpricedDto {
  @ApiProperty({ description: 'Model or environment with no rate' })
  item!: string;

  @ApiProperty()
  unit!: string;

  @ApiProperty()
  quantity!: string;

  @ApiProperty({ description: 'Usage lines concerned' })
  lines!: number;
}

export class StatementResponseDto {
  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty()
  tenant_slug!: string;

  @ApiProperty()
  tenant_name!: string;

  @ApiProperty({ type: PeriodDto })
  period!: PeriodDto;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty()
  generated_at!: string;

  @ApiProperty({ description: 'Usage events in the period' })
  events!: number;

  @ApiProperty({ type: [StatementLineDto] })
  lines!: StatementLineDto[];

  @ApiProperty({ example: '120.000000' })
  usage_subtotal!: string;

  @ApiProperty({ type: [StatementAdjustmentDto], description: 'Re-pricing runs of the period, oldest first' })
  adjustments!: StatementAdjustmentDto[];

  @ApiProperty({ example: '0.000000' })
  adjustments_total!: string;

  @ApiProperty({ example: '120.000000', description: 'usage_subtotal + adjustments_total, USD' })
  total!: string;

  @ApiProperty({
    type: [StatementUnpricedDto],
    description: 'Usage with no rate: not in the total until a rate is set for it',
  })
  unpriced!: StatementUnpricedDto[];
}

export function toStatementResponse(s: Statement): StatementResponseDto {
  return {
    tenant_id: s.tenantId,
    tenant_slug: s.tenantSlug,
    tenant_name: s.tenantName,
    period: toPeriodDto(s.period, s.generatedAt),
    currency: 'USD',
    generated_at: s.generatedAt.toISOString(),
    events: Number(s.events),
    lines: s.lines.map((l) => ({
      item: l.item,
      unit: l.unit,
      quantity: formatQuantity(l.unit, l.quantity),
      amount: formatUsd(l.amount),
    })),
    usage_subtotal: formatUsd(s.usageSubtotal),
    adjustments: s.adjustments.map((a) => ({
      reprice_id: a.repriceId,
      created_at: a.createdAt.toISOString(),
      requested_by: a.requestedBy,
      reason: a.reason,
      price_book_version: a.priceBookVersion,
      lines_adjusted: a.linesAdjusted,
      amount: formatUsd(a.amount),
    })),
    adjustments_total: formatUsd(s.adjustmentsTotal),
    total: formatUsd(s.total),
    unpriced: s.unpriced.map((u) => ({
      item: u.item,
      unit: u.unit,
      quantity: formatQuantity(u.unit, u.quantity),
      lines: u.lines,
    })),
  };
}

export class RepriceDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tenant_id!: string;

  @ApiProperty({ example: '2026-11', description: 'A month (2026-11) or a date in the period' })
  @Matches(PERIOD_TEXT, { message: 'period must be a month (2026-11) or a date (2026-11-20)' })
  period!: string;

  @ApiProperty({ example: 'contract rate for claude-sonnet-4-5 applies from November', description: 'Why' })
  @IsReason()
  reason!: string;
}

export class RepriceListQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Default: the caller's tenant" })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({ example: '2026-11' })
  @IsOptional()
  @Matches(PERIOD_TEXT, { message: 'period must be a month (2026-11) or a date (2026-11-20)' })
  period?: string;
}

export class RepriceRunDto {
  @ApiProperty()
  id!: number;

  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty({ example: '2026-11' })
  period!: string;

  @ApiProperty({ example: '2026-11-01T00:00:00.000Z' })
  period_start!: string;

  @ApiProperty({ description: 'Price-book version the period was re-priced with' })
  price_book_version!: number;

  @ApiProperty()
  requested_by!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ description: 'Priced lines looked at' })
  lines_examined!: number;

  @ApiProperty({ description: 'Adjustment lines written' })
  lines_adjusted!: number;

  @ApiProperty({ example: '-1.200000', description: 'Sum of the adjustments, USD' })
  delta!: string;

  @ApiProperty()
  created_at!: string;
}

export function toRepriceRunDto(r: RepriceRun): RepriceRunDto {
  const period = periodFromStartDate(r.periodStart);
  return {
    id: r.id,
    tenant_id: r.tenantId,
    period: period.label,
    period_start: period.start.toISOString(),
    price_book_version: r.priceBookVersion,
    requested_by: r.requestedBy,
    reason: r.reason,
    lines_examined: r.linesExamined,
    lines_adjusted: r.linesAdjusted,
    delta: formatUsd(r.deltaMicros),
    created_at: r.createdAt.toISOString(),
  };
}
