import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, TenantScope, type Principal } from '@auraison/auth';
import { notFound } from '../../common/api/errors.js';
import { pageRequest } from '../../common/api/query.js';
import { ReadJobTrace } from '../application/job-trace.usecase.js';
import { ReadToolCalls } from '../application/read-tool-calls.usecase.js';
import {
  JobIdParams,
  JobTraceDto,
  ReplayDto,
  ReplayQueryDto,
  SessionIdParams,
  TenantPageQueryDto,
  toJobTraceResponse,
  toToolCallResponse,
} from './history.dto.js';

@ApiTags('traces')
@Controller('api/v1')
export class TracesController {
  constructor(
    private readonly jobTrace: ReadJobTrace,
    private readonly toolCalls: ReadToolCalls,
  ) {}

  @Get('jobs/:job_id/trace')
  @RequirePermission('events:read')
  @ApiOperation({
    summary:
      'The causal chain of a job: agent invocations that created or touched it (with their tool calls), ' +
      'its execution status changes, GPU seconds and trace ids, in time order',
  })
  @ApiOkResponse({ type: JobTraceDto })
  async trace(
    @CurrentPrincipal() p: Principal,
    @Param() { job_id }: JobIdParams,
    @Query() q: TenantPageQueryDto,
  ): Promise<JobTraceDto> {
    const trace = await this.jobTrace.execute(
      TenantScope.of(p, q.tenant_id),
      job_id,
      pageRequest(q, ['timestamp', 'int']),
    );
    if (!trace) throw notFound('job', 'job_id');
    return toJobTraceResponse(trace);
  }

  @Get('sessions/:session_id/replay')
  @RequirePermission('events:read')
  @ApiOperation({
    summary: 'Every tool call of a claude -p session in order, with input, output and duration',
  })
  @ApiOkResponse({ type: ReplayDto })
  async replay(
    @CurrentPrincipal() p: Principal,
    @Param() { session_id }: SessionIdParams,
    @Query() q: ReplayQueryDto,
  ): Promise<ReplayDto> {
    const page = await this.toolCalls.replay(
      TenantScope.of(p, q.tenant_id),
      session_id,
      pageRequest(q, ['timestamp', 'int', 'int']),
    );
    if (!page) throw notFound('session', 'session_id');
    return { session_id, items: page.items.map(toToolCallResponse), next_cursor: page.nextCursor };
  }
}
