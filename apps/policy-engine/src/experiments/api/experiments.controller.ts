// A/B experiments on a role's model over HTTP.
import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { trim } from '../../common/api/query.js';
import { PolicyErrorFilter } from '../../common/api/policy-error.filter.js';
import { ReasonDto } from '../../scopes/api/role-policy.dto.js';
import { Experiments } from '../application/experiments.service.js';
import { MAX_VARIANTS } from '../domain/assignment.js';
import type { Experiment } from '../persistence/experiment.repository.js';

export class VariantDto {
  @ApiProperty({ example: 'control' })
  @IsString()
  @MaxLength(64)
  name!: string;

  @ApiProperty({ example: 'claude-sonnet-4-5' })
  @IsString()
  @MaxLength(128)
  model!: string;

  @ApiProperty({ description: 'Relative weight (1-10000)', example: 1 })
  @IsInt()
  weight!: number;
}

export class StartExperimentDto extends ReasonDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The tenant it runs for; omit for platform-wide (platform admins)',
  })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiProperty({ example: 'notebook' })
  @IsString()
  @MaxLength(64)
  agent_role!: string;

  @ApiProperty({ example: 'opus for notebooks' })
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ type: [VariantDto] })
  @IsArray()
  @ArrayMaxSize(MAX_VARIANTS)
  @ValidateNested({ each: true })
  @Type(() => VariantDto)
  variants!: VariantDto[];
}

class ExperimentParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

class ExperimentQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Tenant (default: the caller's)" })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

export class ExperimentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  version!: number;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null: platform-wide' })
  tenant_id!: string | null;
  @ApiProperty()
  agent_role!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ type: [VariantDto] })
  variants!: VariantDto[];
  @ApiProperty({ enum: ['active', 'stopped'] })
  status!: 'active' | 'stopped';
  @ApiProperty({ format: 'uuid' })
  created_by!: string;
  @ApiProperty()
  reason!: string;
  @ApiProperty({ format: 'date-time' })
  created_at!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  stopped_at!: string | null;
  @ApiProperty({ type: String, nullable: true })
  stop_reason!: string | null;
}

export class ExperimentListDto {
  @ApiProperty({ type: [ExperimentDto] })
  items!: ExperimentDto[];
}

const present = (e: Experiment): ExperimentDto => ({
  id: e.id,
  version: e.version,
  tenant_id: e.tenantId,
  agent_role: e.agentRole,
  name: e.name,
  variants: e.variants,
  status: e.status,
  created_by: e.createdBy,
  reason: e.reason,
  created_at: e.createdAt.toISOString(),
  stopped_at: e.stoppedAt?.toISOString() ?? null,
  stop_reason: e.stopReason,
});

@ApiTags('experiments')
@UseFilters(PolicyErrorFilter)
@Controller('api/v1/policy/experiments')
export class ExperimentsController {
  constructor(private readonly experiments: Experiments) {}

  @Get()
  @RequirePermission('policy:read')
  @ApiOperation({ summary: "The tenant's experiments and the platform-wide ones, newest first" })
  @ApiOkResponse({ type: ExperimentListDto })
  async list(@CurrentPrincipal() p: Principal, @Query() q: ExperimentQueryDto): Promise<ExperimentListDto> {
    return { items: (await this.experiments.list(p, q.tenant_id)).map(present) };
  }

  @Post()
  @RequirePermission('policy:write')
  @ApiOperation({ summary: "Start an experiment on a role's model (weighted variants, assigned per job id)" })
  @ApiCreatedResponse({ type: ExperimentDto })
  async start(@CurrentPrincipal() p: Principal, @Body() body: StartExperimentDto): Promise<ExperimentDto> {
    return present(
      await this.experiments.start(p, {
        ...(body.tenant_id ? { tenantId: body.tenant_id } : {}),
        agentRole: body.agent_role,
        name: body.name,
        variants: body.variants,
        reason: body.reason,
      }),
    );
  }

  @Get(':id')
  @RequirePermission('policy:read')
  @ApiOperation({ summary: 'One experiment' })
  @ApiOkResponse({ type: ExperimentDto })
  async get(@CurrentPrincipal() p: Principal, @Param() { id }: ExperimentParams): Promise<ExperimentDto> {
    return present(await this.experiments.get(p, id));
  }

  @Post(':id/stop')
  @HttpCode(200)
  @RequirePermission('policy:write')
  @ApiOperation({ summary: 'Stop an experiment: the role goes back to its model' })
  @ApiOkResponse({ type: ExperimentDto })
  async stop(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: ExperimentParams,
    @Body() body: ReasonDto,
  ): Promise<ExperimentDto> {
    return present(await this.experiments.stop(p, id, body.reason));
  }
}
