import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { invalidField } from '@auraison/api-kit';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { parseUsd } from '../../common/domain/money.js';
import { ManageBudgets } from '../application/manage-budgets.usecase.js';
import { BudgetParams, BudgetResponseDto, SetBudgetDto, toBudgetResponse } from './budget.dto.js';

@ApiTags('budgets')
@Controller('api/v1/billing/budgets/:tenant_id')
export class BudgetsController {
  constructor(private readonly budgets: ManageBudgets) {}

  @Get()
  @RequirePermission('billing:read')
  @ApiOperation({ summary: "A tenant's spend budget, its spend in the current period and the alerts sent" })
  @ApiOkResponse({ type: BudgetResponseDto })
  async get(
    @CurrentPrincipal() p: Principal,
    @Param() { tenant_id }: BudgetParams,
  ): Promise<BudgetResponseDto> {
    return toBudgetResponse(await this.budgets.get(p, tenant_id));
  }

  @Put()
  @RequirePermission('budgets:write')
  @ApiOperation({
    summary:
      'Set the spend budget per period (platform admins): alerts at 50%, 80% and 100%, once per period',
  })
  @ApiOkResponse({ type: BudgetResponseDto })
  async put(
    @CurrentPrincipal() p: Principal,
    @Param() { tenant_id }: BudgetParams,
    @Body() body: SetBudgetDto,
  ): Promise<BudgetResponseDto> {
    const amount = parseUsd(body.amount);
    if (amount <= 0n) throw invalidField('amount', 'amount must be greater than zero');
    return toBudgetResponse(await this.budgets.set(p, tenant_id, amount, body.reason.trim()));
  }

  @Delete()
  @HttpCode(204)
  @RequirePermission('budgets:write')
  @ApiOperation({ summary: "Remove a tenant's budget (platform admins): no more budget alerts" })
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() p: Principal, @Param() { tenant_id }: BudgetParams): Promise<void> {
    await this.budgets.remove(p, tenant_id);
  }
}
