import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { pageRequest, toPageResponse, type PageResponse } from '@auraison/api-kit';
import { ReadAlerts } from '../application/read-alerts.usecase.js';
import {
  AlertListQueryDto,
  FiringAlertPageDto,
  toFiringAlertResponse,
  type FiringAlertResponseDto,
} from './alert-rule.dto.js';

@ApiTags('alerts')
@Controller('api/v1/eval/alerts')
export class AlertsController {
  constructor(private readonly read: ReadAlerts) {}

  @Get()
  @RequirePermission('eval:read')
  @ApiOperation({ summary: 'Firing alerts of a tenant, longest firing first' })
  @ApiOkResponse({ type: FiringAlertPageDto })
  async firing(
    @CurrentPrincipal() p: Principal,
    @Query() q: AlertListQueryDto,
  ): Promise<PageResponse<FiringAlertResponseDto>> {
    return toPageResponse(await this.read.firing(p, q.tenant_id, pageRequest(q)), toFiringAlertResponse);
  }
}
