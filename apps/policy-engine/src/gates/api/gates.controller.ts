// Actuation gates over HTTP (policy:gates to open and close).
import { Body, Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import type { EnvironmentName } from '@auraison/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsUUID } from 'class-validator';
import { ENVIRONMENTS } from '../../common/api/query.js';
import { PolicyErrorFilter } from '../../common/api/policy-error.filter.js';
import { ReasonDto } from '../../scopes/api/role-policy.dto.js';
import { Gates } from '../application/gates.service.js';
import type { Gate } from '../persistence/gate.repository.js';

class GateParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tenantId!: string;

  @ApiProperty({ enum: ENVIRONMENTS })
  @IsIn(ENVIRONMENTS)
  environment!: EnvironmentName;
}

class TenantIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tenantId!: string;
}

export class OpenGateDto extends ReasonDto {
  @ApiProperty({
    description: 'How long the gate stays open (s), at most MP_GATE_MAX_DURATION_S',
    example: 3600,
  })
  @Type(() => Number)
  @IsInt()
  duration_s!: number;
}

export class GateDto {
  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;
  @ApiProperty({ enum: ENVIRONMENTS })
  environment!: EnvironmentName;
  @ApiProperty()
  version!: number;
  @ApiProperty({ format: 'uuid' })
  opened_by!: string;
  @ApiProperty()
  reason!: string;
  @ApiProperty({ format: 'date-time' })
  opened_at!: string;
  @ApiProperty({ format: 'date-time' })
  expires_at!: string;
}

export class GateListDto {
  @ApiProperty({ type: [GateDto], description: 'Gates open now' })
  items!: GateDto[];
}

export class CloseGateResultDto {
  @ApiProperty({ description: 'The gate was open and is closed' })
  closed!: boolean;
}

const present = (g: Gate): GateDto => ({
  tenant_id: g.tenantId,
  environment: g.environment,
  version: g.version,
  opened_by: g.openedBy,
  reason: g.reason,
  opened_at: g.openedAt.toISOString(),
  expires_at: g.expiresAt.toISOString(),
});

@ApiTags('actuation gates')
@UseFilters(PolicyErrorFilter)
@Controller('api/v1/policy/tenants/:tenantId/gates')
export class GatesController {
  constructor(private readonly gates: Gates) {}

  @Get()
  @RequirePermission('policy:read')
  @ApiOperation({ summary: "The tenant's open actuation gates" })
  @ApiOkResponse({ type: GateListDto })
  async list(@CurrentPrincipal() p: Principal, @Param() { tenantId }: TenantIdParams): Promise<GateListDto> {
    return { items: (await this.gates.list(p, tenantId)).map(present) };
  }

  @Post(':environment/open')
  @HttpCode(200)
  @RequirePermission('policy:gates')
  @ApiOperation({ summary: 'Open the actuation gate of an environment for a while (audited)' })
  @ApiOkResponse({ type: GateDto })
  async open(
    @CurrentPrincipal() p: Principal,
    @Param() { tenantId, environment }: GateParams,
    @Body() body: OpenGateDto,
  ): Promise<GateDto> {
    return present(await this.gates.open(p, tenantId, environment, body.duration_s, body.reason));
  }

  @Post(':environment/close')
  @HttpCode(200)
  @RequirePermission('policy:gates')
  @ApiOperation({ summary: 'Close the actuation gate of an environment (audited)' })
  @ApiOkResponse({ type: CloseGateResultDto })
  async close(
    @CurrentPrincipal() p: Principal,
    @Param() { tenantId, environment }: GateParams,
    @Body() body: ReasonDto,
  ): Promise<CloseGateResultDto> {
    return { closed: !!(await this.gates.close(p, tenantId, environment, body.reason)) };
  }
}
