import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IsReason, IsUsdDecimal } from '../../common/api/validators.js';
import { formatUsd } from '../../common/domain/money.js';
import { percentUsed } from '../domain/budget-alert.js';
import type { BudgetView } from '../application/manage-budgets.usecase.js';

export class BudgetParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tenant_id!: string;
}

export class SetBudgetDto {
  @ApiProperty({ example: '5000.00', description: 'Spend budget per billing period, USD' })
  @IsUsdDecimal()
  amount!: string;

  @ApiProperty({ example: 'contracted monthly cap', description: 'Why (kept with the budget)' })
  @IsReason()
  reason!: string;
}

export class BudgetAlertDto {
  @ApiProperty({ enum: [50, 80, 100], description: 'Percent of the budget' })
  threshold!: number;

  @ApiProperty({ example: '4012.500000', description: 'Spend when the threshold was crossed, USD' })
  spend!: string;

  @ApiProperty()
  crossed_at!: string;

  @ApiProperty({ type: String, nullable: true, description: 'When the Alert reached mp.alerts' })
  published_at!: string | null;
}

export class BudgetResponseDto {
  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty({ example: '5000.000000', description: 'USD per period' })
  amount!: string;

  @ApiProperty()
  updated_at!: string;

  @ApiProperty()
  updated_by!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ example: '2026-12', description: 'The current period' })
  period!: string;

  @ApiProperty()
  period_start!: string;

  @ApiProperty()
  period_end!: string;

  @ApiProperty({ example: '4012.500000', description: 'Spend in the current period so far, USD' })
  spend!: string;

  @ApiProperty({ example: 80.25, description: 'Percent of the budget spent (display value)' })
  percent_used!: number;

  @ApiProperty({ type: [BudgetAlertDto], description: 'Thresholds crossed in the current period' })
  alerts!: BudgetAlertDto[];
}

export function toBudgetResponse(v: BudgetView): BudgetResponseDto {
  return {
    tenant_id: v.budget.tenantId,
    amount: formatUsd(v.budget.amountMicros),
    updated_at: v.budget.updatedAt.toISOString(),
    updated_by: v.budget.updatedBy,
    reason: v.budget.reason,
    period: v.period.label,
    period_start: v.period.start.toISOString(),
    period_end: v.period.end.toISOString(),
    spend: formatUsd(v.spendMicros),
    percent_used: percentUsed(v.spendMicros, v.budget.amountMicros),
    alerts: v.crossings.map((c) => ({
      threshold: c.threshold,
      spend: formatUsd(c.spendMicros),
      crossed_at: c.crossedAt.toISOString(),
      published_at: c.publishedAt?.toISOString() ?? null,
    })),
  };
}
