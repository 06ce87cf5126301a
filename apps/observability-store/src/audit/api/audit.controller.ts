import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, TenantScope, type Principal } from '@auraison/auth';
import { ReadChainHead } from '../application/read-chain-head.usecase.js';
import { VerifyChain } from '../application/verify-chain.usecase.js';
import {
  AuditQueryDto,
  HeadResponseDto,
  toHeadResponse,
  toVerificationResponse,
  VerificationDto,
} from './audit.dto.js';

@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly verifyChain: VerifyChain,
    private readonly readHead: ReadChainHead,
  ) {}

  @Get('verify')
  @RequirePermission('audit:verify')
  @ApiOperation({
    summary: "Re-walk the tenant's hash chain and report the first broken link (expected vs stored hash)",
  })
  @ApiOkResponse({ type: VerificationDto })
  @ApiTooManyRequestsResponse({ description: 'Too many verifications running on this replica' })
  async verify(@CurrentPrincipal() p: Principal, @Query() q: AuditQueryDto): Promise<VerificationDto> {
    return toVerificationResponse(await this.verifyChain.execute(TenantScope.of(p, q.tenant_id)));
  }

  @Get('head')
  @RequirePermission('audit:verify')
  @ApiOperation({ summary: "The head of the tenant's hash chain (compare it with an outside anchor)" })
  @ApiOkResponse({ type: HeadResponseDto })
  async head(@CurrentPrincipal() p: Principal, @Query() q: AuditQueryDto): Promise<HeadResponseDto> {
    const scope = TenantScope.of(p, q.tenant_id);
    return toHeadResponse(scope.tenantId, await this.readHead.execute(scope));
  }
}
