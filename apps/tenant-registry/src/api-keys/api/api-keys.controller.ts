import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { pageRequest, toPageResponse, type PageResponse } from '@auraison/api-kit';
import { TenantIdParams } from '../../tenants/api/tenant.dto.js';
import { ManageApiKeys } from '../application/manage-api-keys.usecase.js';
import {
  ApiKeyPageDto,
  ApiKeyParams,
  ApiKeyResponseDto,
  CreateApiKeyDto,
  CreatedApiKeyResponseDto,
  ListApiKeysQueryDto,
  toApiKeyResponse,
  toCreatedApiKeyResponse,
} from './api-key.dto.js';

@ApiTags('api-keys')
@Controller('api/v1/tenants/:id/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ManageApiKeys) {}

  // api-keys:write-own lets members make their own keys; keys of others need api-keys:write (checked inside).
  @Post()
  @RequirePermission('api-keys:write-own')
  @ApiOperation({ summary: 'Create an API key; the response carries the key, once' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  async create(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: TenantIdParams,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyResponseDto> {
    return toCreatedApiKeyResponse(await this.keys.create(p, id, body.toCommand()));
  }

  @Get()
  @RequirePermission('api-keys:read')
  @ApiOperation({ summary: "List the tenant's API keys (prefixes, never secrets)" })
  @ApiOkResponse({ type: ApiKeyPageDto })
  async list(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: TenantIdParams,
    @Query() q: ListApiKeysQueryDto,
  ): Promise<PageResponse<ApiKeyResponseDto>> {
    return toPageResponse(await this.keys.list(p, id, pageRequest(q), q.owner()), toApiKeyResponse);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @RequirePermission('api-keys:write-own')
  @ApiOperation({ summary: 'Revoke an API key (your own, or anyone’s with api-keys:write)' })
  @ApiNoContentResponse()
  async revoke(@CurrentPrincipal() p: Principal, @Param() { id, keyId }: ApiKeyParams): Promise<void> {
    await this.keys.revoke(p, id, keyId);
  }
}
