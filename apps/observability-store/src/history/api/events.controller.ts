import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, TenantScope, type Principal } from '@auraison/auth';
import { pageRequest, timeRange } from '../../common/api/query.js';
import { toolKeysFilter } from '../../common/domain/tool-keys.js';
import { ReadEvents } from '../application/read-events.usecase.js';
import { EventPageDto, EventsQueryDto, toEventResponse } from './history.dto.js';

@ApiTags('events')
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly readEvents: ReadEvents) {}

  @Get()
  @RequirePermission('events:read')
  @ApiOperation({
    summary:
      'Agent and execution events in time order, filtered by time range, role, job, session, tool, status, exit code',
  })
  @ApiOkResponse({ type: EventPageDto })
  async list(@CurrentPrincipal() p: Principal, @Query() q: EventsQueryDto): Promise<EventPageDto> {
    const page = await this.readEvents.list(
      TenantScope.of(p, q.tenant_id),
      {
        ...timeRange(q),
        kind: q.kind,
        agentRole: q.agent_role,
        jobId: q.job_id,
        sessionId: q.session_id,
        traceId: q.trace_id,
        toolKeys: toolKeysFilter(q.tool),
        status: q.status,
        exitCode: q.exit_code,
      },
      pageRequest(q, ['timestamp', 'int']),
    );
    return { items: page.items.map(toEventResponse), next_cursor: page.nextCursor };
  }
}
