import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import type { Tenant } from '../domain/tenant.js';
import { ReadTenants } from '../application/read-tenants.usecase.js';
import { SetQuota } from '../application/set-quota.usecase.js';
import { QuotaDto, quotaFromDto, TenantQuotaResponseDto, toQuotaResponse } from './quota.dto.js';
import { TenantIdParams } from './tenant.dto.js';

const present = (t: Tenant): TenantQuotaResponseDto => ({
  tenant_id: t.id,
  revision: t.revision,
  ...toQuotaResponse(t.quota),
});

@ApiTags('quota')
@Controller('api/v1/tenants/:id/quota')
export class QuotaController {
  constructor(
    private readonly readTenants: ReadTenants,
    private readonly setQuota: SetQuota,
  ) {}

  @Get()
  @RequirePermission('quotas:read')
  @ApiOperation({ summary: "Read a tenant's quota configuration" })
  @ApiOkResponse({ type: TenantQuotaResponseDto })
  async get(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: TenantIdParams,
  ): Promise<TenantQuotaResponseDto> {
    return present(await this.readTenants.get(p, id));
  }

  @Put()
  @RequirePermission('quotas:update')
  @ApiOperation({ summary: "Replace a tenant's quota configuration (platform admins)" })
  @ApiOkResponse({ type: TenantQuotaResponseDto })
  async put(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: TenantIdParams,
    @Body() body: QuotaDto,
  ): Promise<TenantQuotaResponseDto> {
    return present(await this.setQuota.execute(p, id, quotaFromDto(body)));
  }
}
