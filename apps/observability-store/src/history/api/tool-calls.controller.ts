import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, TenantScope, type Principal } from '@auraison/auth';
import { pageRequest, timeRange } from '../../common/api/query.js';
import { ReadToolCalls } from '../application/read-tool-calls.usecase.js';
import {
  ActuationPageDto,
  ActuationsQueryDto,
  ScopeToolCallPageDto,
  toActuationResponse,
  ToolCallsQueryDto,
  toScopeToolCall,
} from './history.dto.js';

const CALL_CURSOR = ['timestamp', 'int', 'int'] as const;

@ApiTags('tool calls')
@Controller('api/v1')
export class ToolCallsController {
  constructor(private readonly toolCalls: ReadToolCalls) {}

  @Get('tool-calls')
  @RequirePermission('events:read')
  @ApiOperation({
    summary:
      'Tool calls in time order, by agent role and tool (the policy engine replays them in a scope dry run)',
  })
  @ApiOkResponse({ type: ScopeToolCallPageDto })
  async list(@CurrentPrincipal() p: Principal, @Query() q: ToolCallsQueryDto): Promise<ScopeToolCallPageDto> {
    const page = await this.toolCalls.list(
      TenantScope.of(p, q.tenant_id),
      { ...timeRange(q), agentRole: q.agent_role, ...(q.tool ? { tools: [q.tool] } : {}) },
      pageRequest(q, CALL_CURSOR),
    );
    return { items: page.items.map(toScopeToolCall), next_cursor: page.nextCursor };
  }

  @Get('safety/actuations')
  @RequirePermission('safety:read')
  @ApiOperation({
    summary:
      'Safety review: every actuation call (robot motion, navigation goals, tools of MP_ACTUATION_TOOLS) with ' +
      'timestamp, session and tenant, in time order',
  })
  @ApiOkResponse({ type: ActuationPageDto })
  async actuations(
    @CurrentPrincipal() p: Principal,
    @Query() q: ActuationsQueryDto,
  ): Promise<ActuationPageDto> {
    const page = await this.toolCalls.actuations(
      TenantScope.of(p, q.tenant_id),
      { ...timeRange(q), tool: q.tool, sessionId: q.session_id, jobId: q.job_id },
      pageRequest(q, CALL_CURSOR),
    );
    return { items: page.items.map(toActuationResponse), next_cursor: page.nextCursor };
  }
}
