// Emergency lockdown over HTTP: global (policy:lockdown-global) and per tenant (policy:lockdown).
import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { IsOptional, IsUUID } from 'class-validator';
import { PolicyErrorFilter } from '../../common/api/policy-error.filter.js';
import { ReasonDto, TenantParams } from '../../scopes/api/role-policy.dto.js';
import { Lockdowns } from '../application/lockdowns.service.js';
import type { Lockdown } from '../persistence/lockdown.repository.js';

export class LockdownDto {
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null: the global lockdown' })
  tenant_id!: string | null;
  @ApiProperty()
  version!: number;
  @ApiProperty({ format: 'uuid' })
  engaged_by!: string;
  @ApiProperty()
  reason!: string;
  @ApiProperty({ format: 'date-time' })
  engaged_at!: string;
}

export class LockdownStatusDto {
  @ApiProperty({ type: LockdownDto, nullable: true })
  global!: LockdownDto | null;
  @ApiProperty({ type: LockdownDto, nullable: true })
  tenant!: LockdownDto | null;
}

export class LiftResultDto {
  @ApiProperty({ description: 'A lockdown was in force and is lifted' })
  lifted!: boolean;
  @ApiProperty({ type: LockdownDto, nullable: true })
  lockdown!: LockdownDto | null;
}

class LockdownQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Tenant (default: the caller's)" })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

const present = (l: Lockdown): LockdownDto => ({
  tenant_id: l.tenantId,
  version: l.version,
  engaged_by: l.engagedBy,
  reason: l.reason,
  engaged_at: l.engagedAt.toISOString(),
});

const lifted = (l: Lockdown | undefined): LiftResultDto => ({ lifted: !!l, lockdown: l ? present(l) : null });

@ApiTags('lockdown')
@UseFilters(PolicyErrorFilter)
@Controller('api/v1/policy')
export class LockdownController {
  constructor(private readonly lockdowns: Lockdowns) {}

  @Get('lockdown')
  @RequirePermission('policy:read')
  @ApiOperation({ summary: 'The lockdowns in force: global and the tenant’s' })
  @ApiOkResponse({ type: LockdownStatusDto })
  async status(@CurrentPrincipal() p: Principal, @Query() q: LockdownQueryDto): Promise<LockdownStatusDto> {
    const s = await this.lockdowns.status(p, q.tenant_id);
    return { global: s.global ? present(s.global) : null, tenant: s.tenant ? present(s.tenant) : null };
  }

  @Post('lockdown')
  @HttpCode(200)
  @RequirePermission('policy:lockdown-global')
  @ApiOperation({
    summary: 'Engage the global lockdown: every tool scope empty, every admission refused (≤ 1 s)',
  })
  @ApiOkResponse({ type: LockdownDto })
  async engageGlobal(@CurrentPrincipal() p: Principal, @Body() body: ReasonDto): Promise<LockdownDto> {
    return present(await this.lockdowns.engageGlobal(p, body.reason));
  }

  @Post('lockdown/lift')
  @HttpCode(200)
  @RequirePermission('policy:lockdown-global')
  @ApiOperation({ summary: 'Lift the global lockdown' })
  @ApiOkResponse({ type: LiftResultDto })
  async liftGlobal(@CurrentPrincipal() p: Principal, @Body() body: ReasonDto): Promise<LiftResultDto> {
    return lifted(await this.lockdowns.liftGlobal(p, body.reason));
  }

  @Post('tenants/:tenantId/lockdown')
  @HttpCode(200)
  @RequirePermission('policy:lockdown')
  @ApiOperation({ summary: "Engage a tenant's lockdown (≤ 1 s on every replica)" })
  @ApiOkResponse({ type: LockdownDto })
  async engageTenant(
    @CurrentPrincipal() p: Principal,
    @Param() { tenantId }: TenantParams,
    @Body() body: ReasonDto,
  ): Promise<LockdownDto> {
    return present(await this.lockdowns.engageTenant(p, tenantId, body.reason));
  }

  @Post('tenants/:tenantId/lockdown/lift')
  @HttpCode(200)
  @RequirePermission('policy:lockdown')
  @ApiOperation({ summary: "Lift a tenant's lockdown" })
  @ApiOkResponse({ type: LiftResultDto })
  async liftTenant(
    @CurrentPrincipal() p: Principal,
    @Param() { tenantId }: TenantParams,
    @Body() body: ReasonDto,
  ): Promise<LiftResultDto> {
    return lifted(await this.lockdowns.liftTenant(p, tenantId, body.reason));
  }
}
