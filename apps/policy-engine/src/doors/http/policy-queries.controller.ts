// The HTTP door of the PolicyService operations (the issue's `GET /api/v1/policy/tool-scope` and
// `GET /api/v1/policy/quota`, plus agent config, admissions and releases), on the same core as gRPC
// and NATS.
import { Body, Controller, Get, Headers, HttpCode, Post, Query, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { environmentEnum } from '../../common/api/query.js';
import { PolicyErrorFilter } from '../../common/api/policy-error.filter.js';
import { PolicyCore } from '../../policy/application/policy-core.js';
import { PolicyDoors, withTraceId } from '../policy-doors.js';
import {
  AdmitJobDto,
  AdmitJobResponseDto,
  AgentConfigQueryDto,
  AgentConfigResponseDto,
  presentAdmission,
  presentAgentConfig,
  presentQuota,
  presentToolScope,
  QuotaQueryDto,
  QuotaResponseDto,
  ReleaseJobDto,
  ReleaseJobResponseDto,
  ToolScopeQueryDto,
  ToolScopeResponseDto,
} from './policy-queries.dto.js';

@ApiTags('policy')
@UseFilters(PolicyErrorFilter)
@Controller('api/v1/policy')
export class PolicyQueriesController {
  constructor(
    private readonly core: PolicyCore,
    private readonly doors: PolicyDoors,
  ) {}

  @Get('tool-scope')
  @RequirePermission('policy:read')
  @ApiOperation({
    summary: 'The tool scope of an agent role for a tenant (pass allowed_tools as --allowedTools)',
  })
  @ApiOkResponse({ type: ToolScopeResponseDto })
  async toolScope(
    @CurrentPrincipal() p: Principal,
    @Query() q: ToolScopeQueryDto,
  ): Promise<ToolScopeResponseDto> {
    const res = await this.doors.run('http', 'get_tool_scope', async () =>
      this.core.getToolScope(p, {
        tenantId: q.tenant_id ?? '',
        agentRole: q.agent_role,
        environment: environmentEnum(q.environment),
      }),
    );
    return presentToolScope(res.scope);
  }

  @Get('quota')
  @RequirePermission('policy:read')
  @ApiOperation({ summary: "What is left of a tenant's quota this period, net of reservations" })
  @ApiOkResponse({ type: QuotaResponseDto })
  async quota(@CurrentPrincipal() p: Principal, @Query() q: QuotaQueryDto): Promise<QuotaResponseDto> {
    return presentQuota(
      await this.doors.run('http', 'get_quota', async () =>
        this.core.getQuota(p, { tenantId: q.tenant_id ?? '' }),
      ),
    );
  }

  @Get('agent-config')
  @RequirePermission('policy:read')
  @ApiOperation({ summary: 'Model, experiment variant, tool scope and limits to spawn one agent with' })
  @ApiOkResponse({ type: AgentConfigResponseDto })
  async agentConfig(
    @CurrentPrincipal() p: Principal,
    @Query() q: AgentConfigQueryDto,
  ): Promise<AgentConfigResponseDto> {
    const res = await this.doors.run('http', 'get_agent_config', async () =>
      this.core.getAgentConfig(p, {
        tenantId: q.tenant_id ?? '',
        agentRole: q.agent_role,
        jobId: q.job_id ?? '',
        environment: environmentEnum(q.environment),
      }),
    );
    return presentAgentConfig(res);
  }

  @Post('admissions')
  @HttpCode(200)
  @RequirePermission('quota:admit')
  @ApiOperation({
    summary: 'Admit a job: reserve GPU-hours, tokens and a job slot, or say why not (200 either way)',
  })
  @ApiOkResponse({ type: AdmitJobResponseDto })
  async admit(
    @CurrentPrincipal() p: Principal,
    @Body() body: AdmitJobDto,
    @Headers('traceparent') traceparent?: string,
  ): Promise<AdmitJobResponseDto> {
    const request = withTraceId(body.toRequest(), {
      get: (name) => (name === 'traceparent' ? traceparent : undefined),
    });
    return presentAdmission(
      await this.doors.run('http', 'admit_job', async () => this.core.admitJob(p, request)),
    );
  }

  @Post('releases')
  @HttpCode(200)
  @RequirePermission('quota:admit')
  @ApiOperation({
    summary: "Release a job's reservation (it will not run, or ended without an execution event)",
  })
  @ApiOkResponse({ type: ReleaseJobResponseDto })
  async release(
    @CurrentPrincipal() p: Principal,
    @Body() body: ReleaseJobDto,
  ): Promise<ReleaseJobResponseDto> {
    const res = await this.doors.run('http', 'release_job', async () =>
      this.core.releaseJob(p, {
        tenantId: body.tenant_id ?? '',
        jobId: body.job_id,
        reason: body.reason ?? '',
      }),
    );
    return { released: res.released, reservation_id: res.reservationId || null };
  }
}
