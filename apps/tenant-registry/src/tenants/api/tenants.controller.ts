import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { ListQueryDto, pageRequest, toPageResponse, type PageResponse } from '@auraison/api-kit';
import { CreateTenant } from '../application/create-tenant.usecase.js';
import { ReadTenants } from '../application/read-tenants.usecase.js';
import { SetTenantStatus } from '../application/set-tenant-status.usecase.js';
import { UpdateTenant } from '../application/update-tenant.usecase.js';
import {
  CreateTenantDto,
  TenantIdParams,
  TenantPageDto,
  TenantResponseDto,
  toTenantResponse,
  UpdateTenantDto,
} from './tenant.dto.js';

@ApiTags('tenants')
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(
    private readonly createTenant: CreateTenant,
    private readonly readTenants: ReadTenants,
    private readonly updateTenant: UpdateTenant,
    private readonly setStatus: SetTenantStatus,
  ) {}

  @Post()
  @RequirePermission('tenants:create')
  @ApiOperation({ summary: 'Create a tenant (platform admins)' })
  @ApiCreatedResponse({ type: TenantResponseDto })
  async create(@CurrentPrincipal() p: Principal, @Body() body: CreateTenantDto): Promise<TenantResponseDto> {
    return toTenantResponse(await this.createTenant.execute(p, body.toCommand()));
  }

  @Get()
  @RequirePermission('tenants:read')
  @ApiOperation({ summary: 'List tenants: every tenant for platform admins, your own for everyone else' })
  @ApiOkResponse({ type: TenantPageDto })
  async list(
    @CurrentPrincipal() p: Principal,
    @Query() q: ListQueryDto,
  ): Promise<PageResponse<TenantResponseDto>> {
    return toPageResponse(await this.readTenants.list(p, pageRequest(q)), toTenantResponse);
  }

  @Get(':id')
  @RequirePermission('tenants:read')
  @ApiOperation({ summary: 'Read a tenant' })
  @ApiOkResponse({ type: TenantResponseDto })
  async get(@CurrentPrincipal() p: Principal, @Param() { id }: TenantIdParams): Promise<TenantResponseDto> {
    return toTenantResponse(await this.readTenants.get(p, id));
  }

  @Patch(':id')
  @RequirePermission('tenants:update')
  @ApiOperation({
    summary: 'Update a tenant: tenant admins its name; platform admins also namespace and environments',
  })
  @ApiOkResponse({ type: TenantResponseDto })
  async update(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: TenantIdParams,
    @Body() body: UpdateTenantDto,
  ): Promise<TenantResponseDto> {
    return toTenantResponse(await this.updateTenant.execute(p, id, body.toPatch()));
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @RequirePermission('tenants:suspend')
  @ApiOperation({
    summary: 'Suspend a tenant: its tokens stop working and its jobs are refused (platform admins)',
  })
  @ApiOkResponse({ type: TenantResponseDto })
  async suspend(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: TenantIdParams,
  ): Promise<TenantResponseDto> {
    return toTenantResponse(await this.setStatus.execute(p, id, 'suspended'));
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @RequirePermission('tenants:suspend')
  @ApiOperation({ summary: 'Reactivate a suspended tenant (platform admins)' })
  @ApiOkResponse({ type: TenantResponseDto })
  async reactivate(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: TenantIdParams,
  ): Promise<TenantResponseDto> {
    return toTenantResponse(await this.setStatus.execute(p, id, 'active'));
  }
}
