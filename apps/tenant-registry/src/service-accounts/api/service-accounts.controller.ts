import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { ListQueryDto, pageRequest, toPageResponse, type PageResponse } from '@auraison/api-kit';
import { TenantIdParams } from '../../tenants/api/tenant.dto.js';
import { ManageServiceAccounts } from '../application/manage-service-accounts.usecase.js';
import {
  CreateServiceAccountDto,
  ServiceAccountPageDto,
  ServiceAccountParams,
  ServiceAccountResponseDto,
  toServiceAccountResponse,
} from './service-account.dto.js';

@ApiTags('service-accounts')
@Controller('api/v1/tenants/:id/service-accounts')
export class ServiceAccountsController {
  constructor(private readonly accounts: ManageServiceAccounts) {}

  @Post()
  @RequirePermission('service-accounts:write')
  @ApiOperation({ summary: 'Create a service account' })
  @ApiCreatedResponse({ type: ServiceAccountResponseDto })
  async create(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: TenantIdParams,
    @Body() body: CreateServiceAccountDto,
  ): Promise<ServiceAccountResponseDto> {
    return toServiceAccountResponse(await this.accounts.create(p, id, body.toCommand()));
  }

  @Get()
  @RequirePermission('service-accounts:read')
  @ApiOperation({ summary: "List the tenant's service accounts" })
  @ApiOkResponse({ type: ServiceAccountPageDto })
  async list(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: TenantIdParams,
    @Query() q: ListQueryDto,
  ): Promise<PageResponse<ServiceAccountResponseDto>> {
    return toPageResponse(await this.accounts.list(p, id, pageRequest(q)), toServiceAccountResponse);
  }

  @Get(':saId')
  @RequirePermission('service-accounts:read')
  @ApiOperation({ summary: 'Read a service account' })
  @ApiOkResponse({ type: ServiceAccountResponseDto })
  async get(
    @CurrentPrincipal() p: Principal,
    @Param() { id, saId }: ServiceAccountParams,
  ): Promise<ServiceAccountResponseDto> {
    return toServiceAccountResponse(await this.accounts.get(p, id, saId));
  }

  @Delete(':saId')
  @HttpCode(204)
  @RequirePermission('service-accounts:write')
  @ApiOperation({ summary: 'Disable a service account and revoke its API keys' })
  @ApiNoContentResponse()
  async disable(
    @CurrentPrincipal() p: Principal,
    @Param() { id, saId }: ServiceAccountParams,
  ): Promise<void> {
    await this.accounts.disable(p, id, saId);
  }
}
