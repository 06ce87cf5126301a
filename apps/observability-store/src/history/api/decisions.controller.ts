import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, TenantScope, type Principal } from '@auraison/auth';
import { invalidField } from '../../common/api/errors.js';
import { pageRequest, timeRange } from '../../common/api/query.js';
import { MAX_QUERY_TOKENS, tokensOf } from '../../common/domain/search-text.js';
import { SearchDecisions } from '../application/search-decisions.usecase.js';
import { DecisionPageDto, DecisionSearchQueryDto, toDecisionResponse } from './history.dto.js';

@ApiTags('decisions')
@Controller('api/v1/decisions')
export class DecisionsController {
  constructor(private readonly search: SearchDecisions) {}

  @Get('search')
  @RequirePermission('events:read')
  @ApiOperation({
    summary:
      'Decision search (agent memory): invocations whose tool names, inputs or outputs contain every word of q, ' +
      'newest first, filtered by role, job and outcome',
  })
  @ApiOkResponse({ type: DecisionPageDto })
  async find(@CurrentPrincipal() p: Principal, @Query() q: DecisionSearchQueryDto): Promise<DecisionPageDto> {
    const tokens = tokensOf(q.q);
    if (tokens.length === 0) throw invalidField('q', 'q must contain at least one word (letters or digits)');
    if (tokens.length > MAX_QUERY_TOKENS)
      throw invalidField('q', `q may contain at most ${MAX_QUERY_TOKENS} words`);
    const page = await this.search.execute(
      TenantScope.of(p, q.tenant_id),
      tokens,
      { ...timeRange(q), agentRole: q.agent_role, jobId: q.job_id, outcome: q.outcome },
      pageRequest(q, ['timestamp', 'int']),
    );
    return { items: page.items.map(toDecisionResponse), next_cursor: page.nextCursor };
  }
}
