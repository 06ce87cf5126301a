import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { ReadUsage } from '../application/read-usage.usecase.js';
import {
  JobCostResponseDto,
  JobParams,
  PeriodQuery,
  TenantQuery,
  UnpricedResponseDto,
  UsageQuery,
  UsageResponseDto,
} from './usage.dto.js';
import { toJobCostResponse, toUnpricedResponse, toUsageResponse } from './usage.presenter.js';

@ApiTags('usage')
@Controller('api/v1/billing')
export class UsageController {
  constructor(private readonly read: ReadUsage) {}

  @Get('usage')
  @RequirePermission('billing:read')
  @ApiOperation({
    summary: "A tenant's usage and cost in a billing period, by job, user, agent role, model and environment",
  })
  @ApiOkResponse({ type: UsageResponseDto })
  async usage(@CurrentPrincipal() p: Principal, @Query() q: UsageQuery): Promise<UsageResponseDto> {
    return toUsageResponse(await this.read.period(p, q.tenant_id, q.period, q.breakdown_limit ?? 100));
  }

  @Get('jobs/:job_id')
  @RequirePermission('billing:read')
  @ApiOperation({ summary: 'The cost of one job: its token and GPU lines, the rates applied, adjustments' })
  @ApiOkResponse({ type: JobCostResponseDto })
  async job(
    @CurrentPrincipal() p: Principal,
    @Param() { job_id }: JobParams,
    @Query() q: TenantQuery,
  ): Promise<JobCostResponseDto> {
    return toJobCostResponse(await this.read.job(p, q.tenant_id, job_id));
  }

  @Get('unpriced')
  @RequirePermission('billing:read')
  @ApiOperation({
    summary:
      'Usage with no rate yet (unknown model or environment): of your tenant, or of every tenant for platform admins',
  })
  @ApiOkResponse({ type: UnpricedResponseDto })
  async unpriced(@CurrentPrincipal() p: Principal, @Query() q: PeriodQuery): Promise<UnpricedResponseDto> {
    return toUnpricedResponse(await this.read.unpriced(p, q.tenant_id, q.period));
  }
}
