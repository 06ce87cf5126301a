import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { pageRequest, toPageResponse, type PageResponse } from '@auraison/api-kit';
import { ReadEvaluations } from '../application/read-evaluations.usecase.js';
import {
  RunIdParams,
  SignalsQueryDto,
  SignalsResponseDto,
  SummaryListQueryDto,
  SummaryPageDto,
  SummaryResponseDto,
  TenantQueryDto,
  toSignalResponse,
  toSummaryResponse,
} from './evaluation.dto.js';

@ApiTags('evaluation summaries')
@Controller('api/v1/eval')
export class SummariesController {
  constructor(private readonly read: ReadEvaluations) {}

  @Get('summaries')
  @RequirePermission('eval:read')
  @ApiOperation({ summary: 'Summaries of finished runs, oldest first (experiments inline; signals per run)' })
  @ApiOkResponse({ type: SummaryPageDto })
  async list(
    @CurrentPrincipal() p: Principal,
    @Query() q: SummaryListQueryDto,
  ): Promise<PageResponse<SummaryResponseDto>> {
    return toPageResponse(await this.read.listSummaries(p, q.tenant_id, pageRequest(q)), (r) =>
      toSummaryResponse(r),
    );
  }

  @Get('summaries/:run_id')
  @RequirePermission('eval:read')
  @ApiOperation({ summary: 'The summary of one run with all its signals and experiment comparisons' })
  @ApiOkResponse({ type: SummaryResponseDto })
  async get(
    @CurrentPrincipal() p: Principal,
    @Param() { run_id }: RunIdParams,
    @Query() q: TenantQueryDto,
  ): Promise<SummaryResponseDto> {
    const { run, signals } = await this.read.summary(p, q.tenant_id, run_id);
    return toSummaryResponse(run, signals);
  }

  @Get('signals')
  @RequirePermission('eval:read')
  @ApiOperation({
    summary:
      'Signals of the latest finished run (or ?run_id=), filtered by role, environment, model, variant, job label',
  })
  @ApiOkResponse({ type: SignalsResponseDto })
  async signals(@CurrentPrincipal() p: Principal, @Query() q: SignalsQueryDto): Promise<SignalsResponseDto> {
    const { run, signals } = await this.read.signalsOf(p, q.tenant_id, q.run_id, {
      agentRole: q.agent_role,
      environment: q.environment,
      model: q.model,
      variant: q.variant,
      jobLabel: q.job_label,
      smallSample: q.small_sample,
    });
    return {
      run_id: run?.id ?? null,
      window_start: run?.windowStart ?? null,
      window_end: run?.windowEnd ?? null,
      items: signals.map(toSignalResponse),
    };
  }
}
