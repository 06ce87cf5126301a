import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { pageRequest, toPageResponse, type PageResponse } from '@auraison/api-kit';
import { ReadEvaluations } from '../application/read-evaluations.usecase.js';
import { RequestRun } from '../application/request-run.usecase.js';
import {
  RequestRunDto,
  RunIdParams,
  RunListQueryDto,
  RunPageDto,
  RunResponseDto,
  TenantQueryDto,
  toRunResponse,
} from './evaluation.dto.js';

@ApiTags('evaluation runs')
@Controller('api/v1/eval/runs')
export class RunsController {
  constructor(
    private readonly read: ReadEvaluations,
    private readonly requestRun: RequestRun,
  ) {}

  @Post()
  @HttpCode(202)
  @RequirePermission('eval:write')
  @ApiOperation({
    summary: 'Evaluate now: queues a run (or joins the one already waiting, bringing it forward)',
  })
  @ApiAcceptedResponse({ type: RunResponseDto })
  async create(@CurrentPrincipal() p: Principal, @Body() body: RequestRunDto): Promise<RunResponseDto> {
    const { run } = await this.requestRun.execute(p, {
      tenantId: body.tenant_id,
      windowHours: body.window_hours,
      ...(body.window_end ? { windowEnd: new Date(body.window_end) } : {}),
    });
    return toRunResponse(run);
  }

  @Get()
  @RequirePermission('eval:read')
  @ApiOperation({ summary: 'Evaluation runs of a tenant (queued, running, finished), oldest first' })
  @ApiOkResponse({ type: RunPageDto })
  async list(
    @CurrentPrincipal() p: Principal,
    @Query() q: RunListQueryDto,
  ): Promise<PageResponse<RunResponseDto>> {
    const page = await this.read.listRuns(p, q.tenant_id, pageRequest(q), {
      status: q.status,
      trigger: q.trigger,
    });
    return toPageResponse(page, toRunResponse);
  }

  @Get(':run_id')
  @RequirePermission('eval:read')
  @ApiOperation({ summary: 'One evaluation run: status, window, attempts, error, inputs read, timings' })
  @ApiOkResponse({ type: RunResponseDto })
  async get(
    @CurrentPrincipal() p: Principal,
    @Param() { run_id }: RunIdParams,
    @Query() q: TenantQueryDto,
  ): Promise<RunResponseDto> {
    return toRunResponse(await this.read.run(p, q.tenant_id, run_id));
  }
}
