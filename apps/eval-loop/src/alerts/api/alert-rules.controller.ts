import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, hasPermission, RequirePermission, type Principal } from '@auraison/auth';
import { pageRequest, toPageResponse, type PageResponse } from '@auraison/api-kit';
import { EVAL_OPTIONS, type EvalOptions } from '../../common/eval-options.js';
import { ManageAlertRules } from '../application/manage-alert-rules.usecase.js';
import {
  AlertListQueryDto,
  AlertRuleBodyDto,
  AlertRulePageDto,
  AlertRuleResponseDto,
  CreateAlertRuleDto,
  RuleIdParams,
  toAlertRuleResponse,
} from './alert-rule.dto.js';
import { TenantQueryDto } from '../../common/tenant-query.dto.js';

const canEdit = (p: Principal): boolean => hasPermission(p.roles, 'alerts:write');

@ApiTags('alert rules')
@Controller('api/v1/eval/alert-rules')
export class AlertRulesController {
  constructor(
    private readonly manage: ManageAlertRules,
    @Inject(EVAL_OPTIONS) private readonly options: EvalOptions,
  ) {}

  @Post()
  @RequirePermission('alerts:write')
  @ApiOperation({ summary: 'Create an alert rule (platform-wide rules: platform admins)' })
  @ApiCreatedResponse({ type: AlertRuleResponseDto })
  async create(
    @CurrentPrincipal() p: Principal,
    @Body() body: CreateAlertRuleDto,
  ): Promise<AlertRuleResponseDto> {
    const rule = await this.manage.create(p, {
      tenantId: body.tenant_id,
      platform: body.platform ?? false,
      input: body.toInput(this.options.minSampleSize),
    });
    return toAlertRuleResponse(rule, true);
  }

  @Get()
  @RequirePermission('eval:read')
  @ApiOperation({ summary: 'Alert rules of a tenant (and the platform-wide ones, for platform callers)' })
  @ApiOkResponse({ type: AlertRulePageDto })
  async list(
    @CurrentPrincipal() p: Principal,
    @Query() q: AlertListQueryDto,
  ): Promise<PageResponse<AlertRuleResponseDto>> {
    return toPageResponse(await this.manage.list(p, q.tenant_id, pageRequest(q)), (r) =>
      toAlertRuleResponse(r, canEdit(p)),
    );
  }

  @Get(':rule_id')
  @RequirePermission('eval:read')
  @ApiOperation({ summary: 'One alert rule (never its webhook secret)' })
  @ApiOkResponse({ type: AlertRuleResponseDto })
  async get(
    @CurrentPrincipal() p: Principal,
    @Param() { rule_id }: RuleIdParams,
    @Query() q: TenantQueryDto,
  ): Promise<AlertRuleResponseDto> {
    return toAlertRuleResponse(await this.manage.get(p, q.tenant_id, rule_id), canEdit(p));
  }

  @Put(':rule_id')
  @RequirePermission('alerts:write')
  @ApiOperation({
    summary:
      'Replace an alert rule (omit webhook_secret to keep it); changing how it judges resolves its alerts',
  })
  @ApiOkResponse({ type: AlertRuleResponseDto })
  async replace(
    @CurrentPrincipal() p: Principal,
    @Param() { rule_id }: RuleIdParams,
    @Query() q: TenantQueryDto,
    @Body() body: AlertRuleBodyDto,
  ): Promise<AlertRuleResponseDto> {
    const rule = await this.manage.update(p, q.tenant_id, rule_id, body.toInput(this.options.minSampleSize));
    return toAlertRuleResponse(rule, true);
  }

  @Delete(':rule_id')
  @HttpCode(204)
  @RequirePermission('alerts:write')
  @ApiOperation({ summary: 'Delete an alert rule; its firing alerts are resolved' })
  @ApiNoContentResponse()
  async remove(
    @CurrentPrincipal() p: Principal,
    @Param() { rule_id }: RuleIdParams,
    @Query() q: TenantQueryDto,
  ): Promise<void> {
    await this.manage.delete(p, q.tenant_id, rule_id);
  }
}
