// Role policies over HTTP: defaults per role (platform admins write them), tenant overrides, version
// history, rollback, and the dry run of a proposed override against recorded tool calls.
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  UseFilters,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { PolicyErrorFilter } from '../../common/api/policy-error.filter.js';
import { presentToolScope } from '../../doors/http/policy-queries.dto.js';
import { toToolScope } from '../../policy/application/policy-core.js';
import { DryRun } from '../application/dry-run.service.js';
import { RolePolicies } from '../application/role-policies.service.js';
import type { RoleDefaults, RoleOverride } from '../domain/role-policy.js';
import type { PolicyVersion } from '../persistence/role-policy.repository.js';
import {
  DryRunDto,
  DryRunResultDto,
  HistoryQueryDto,
  PolicyChangeDto,
  PolicyHistoryDto,
  PolicyVersionDto,
  PolicyVersionListDto,
  presentDryRun,
  presentEffective,
  presentVersion,
  ReasonQueryDto,
  RoleDefaultsDto,
  RoleOverrideDto,
  RoleParams,
  RollbackDto,
  TenantRoleDto,
  TenantRoleParams,
} from './role-policy.dto.js';

const DAY_MS = 24 * 3600 * 1000;

function change(r: {
  version: PolicyVersion<RoleDefaults | RoleOverride> | undefined;
  changed: boolean;
}): PolicyChangeDto {
  return { changed: r.changed, version: r.version ? presentVersion(r.version) : null };
}

@ApiTags('role policies')
@UseFilters(PolicyErrorFilter)
@Controller('api/v1/policy')
export class RolePoliciesController {
  constructor(
    private readonly policies: RolePolicies,
    private readonly dryRun: DryRun,
  ) {}

  @Get('roles')
  @RequirePermission('policy:read')
  @ApiOperation({ summary: 'The current default policy of every agent role' })
  @ApiOkResponse({ type: PolicyVersionListDto })
  async roles(): Promise<PolicyVersionListDto> {
    return { items: (await this.policies.defaults()).map(presentVersion) };
  }

  @Get('roles/:role')
  @RequirePermission('policy:read')
  @ApiOperation({ summary: "A role's current default policy" })
  @ApiOkResponse({ type: PolicyVersionDto })
  async role(@Param() { role }: RoleParams): Promise<PolicyVersionDto> {
    return presentVersion(await this.policies.getDefault(role));
  }

  @Put('roles/:role')
  @RequirePermission('policy:write')
  @ApiOperation({
    summary: "Replace a role's default policy, or create a new role (platform admins): a new version",
  })
  @ApiOkResponse({ type: PolicyChangeDto })
  async putRole(
    @CurrentPrincipal() p: Principal,
    @Param() { role }: RoleParams,
    @Body() body: RoleDefaultsDto,
  ): Promise<PolicyChangeDto> {
    return change(await this.policies.putDefault(p, role, body.toDocument(), body.reason));
  }

  @Get('roles/:role/history')
  @RequirePermission('policy:read')
  @ApiOperation({
    summary: "Versions of a role's default policy, newest first, with author, reason and diff",
  })
  @ApiOkResponse({ type: PolicyHistoryDto })
  async roleHistory(@Param() { role }: RoleParams, @Query() q: HistoryQueryDto): Promise<PolicyHistoryDto> {
    const page = await this.policies.defaultHistory(role, q.limit ?? 50, q.before);
    return { items: page.items.map(presentVersion), next_before: page.nextBefore };
  }

  @Post('roles/:role/rollback')
  @HttpCode(200)
  @RequirePermission('policy:write')
  @ApiOperation({ summary: "Make an earlier version of a role's default current again (as a new version)" })
  @ApiOkResponse({ type: PolicyChangeDto })
  async rollbackRole(
    @CurrentPrincipal() p: Principal,
    @Param() { role }: RoleParams,
    @Body() body: RollbackDto,
  ): Promise<PolicyChangeDto> {
    return change(await this.policies.rollbackDefault(p, role, body.version, body.reason));
  }

  @Get('tenants/:tenantId/roles/:role')
  @RequirePermission('policy:read')
  @ApiOperation({ summary: "A tenant's override of a role, the effective policy and the tool scope now" })
  @ApiOkResponse({ type: TenantRoleDto })
  async tenantRole(
    @CurrentPrincipal() p: Principal,
    @Param() { tenantId, role }: TenantRoleParams,
  ): Promise<TenantRoleDto> {
    const view = await this.policies.tenantRole(p, tenantId, role);
    return {
      tenant_id: tenantId.toLowerCase(),
      agent_role: role,
      override: view.override ? presentVersion(view.override) : null,
      effective: presentEffective(view.effective),
      scope: presentToolScope(toToolScope(view.resolved.scope)),
    };
  }

  @Put('tenants/:tenantId/roles/:role')
  @RequirePermission('policy:write')
  @ApiOperation({
    summary: "Set a tenant's override of a role (rules are added to the default's): a new version",
  })
  @ApiOkResponse({ type: PolicyChangeDto })
  async putOverride(
    @CurrentPrincipal() p: Principal,
    @Param() { tenantId, role }: TenantRoleParams,
    @Body() body: RoleOverrideDto,
  ): Promise<PolicyChangeDto> {
    return change(await this.policies.putOverride(p, tenantId, role, body.toDocument(), body.reason));
  }

  @Delete('tenants/:tenantId/roles/:role')
  @RequirePermission('policy:write')
  @ApiOperation({ summary: "Remove a tenant's override (a new version that has none): the default applies" })
  @ApiOkResponse({ type: PolicyChangeDto })
  async removeOverride(
    @CurrentPrincipal() p: Principal,
    @Param() { tenantId, role }: TenantRoleParams,
    @Query() q: ReasonQueryDto,
  ): Promise<PolicyChangeDto> {
    return change(await this.policies.removeOverride(p, tenantId, role, q.reason));
  }

  @Get('tenants/:tenantId/roles/:role/history')
  @RequirePermission('policy:read')
  @ApiOperation({ summary: "Versions of a tenant's override of a role, newest first" })
  @ApiOkResponse({ type: PolicyHistoryDto })
  async overrideHistory(
    @CurrentPrincipal() p: Principal,
    @Param() { tenantId, role }: TenantRoleParams,
    @Query() q: HistoryQueryDto,
  ): Promise<PolicyHistoryDto> {
    const page = await this.policies.overrideHistory(p, tenantId, role, q.limit ?? 50, q.before);
    return { items: page.items.map(presentVersion), next_before: page.nextBefore };
  }

  @Post('tenants/:tenantId/roles/:role/rollback')
  @HttpCode(200)
  @RequirePermission('policy:write')
  @ApiOperation({
    summary: "Make an earlier version of a tenant's override current again (as a new version)",
  })
  @ApiOkResponse({ type: PolicyChangeDto })
  async rollbackOverride(
    @CurrentPrincipal() p: Principal,
    @Param() { tenantId, role }: TenantRoleParams,
    @Body() body: RollbackDto,
  ): Promise<PolicyChangeDto> {
    return change(await this.policies.rollbackOverride(p, tenantId, role, body.version, body.reason));
  }

  @Post('tenants/:tenantId/roles/:role/dry-run')
  @HttpCode(200)
  @RequirePermission('policy:read')
  @ApiOperation({
    summary:
      'Replay recorded tool calls (observability store) through a proposed override: which would it deny?',
  })
  @ApiOkResponse({ type: DryRunResultDto })
  async dryRunOverride(
    @CurrentPrincipal() p: Principal,
    @Headers('authorization') authorization: string,
    @Param() { tenantId, role }: TenantRoleParams,
    @Body() body: DryRunDto,
  ): Promise<DryRunResultDto> {
    const to = body.to ? new Date(body.to) : new Date();
    const from = body.from ? new Date(body.from) : new Date(to.getTime() - 7 * DAY_MS);
    const result = await this.dryRun.run(p, authorization, tenantId, role, {
      proposal: { allow: body.allow, deny: body.deny },
      from,
      to,
      maxCalls: body.max_calls ?? 1000,
      paths: {
        ...(body.project_dir ? { projectDir: body.project_dir } : {}),
        ...(body.home_dir ? { homeDir: body.home_dir } : {}),
      },
    });
    return presentDryRun(result);
  }
}
