import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALL_ENVIRONMENT_NAMES, type EnvironmentName } from '@auraison/contracts';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { PageMetaDto } from '@auraison/api-kit';
import type { Tenant } from '../domain/tenant.js';
import { TENANT_STATUSES } from '../domain/tenant.js';
import type { TenantPatch } from '../domain/tenant-rules.js';
import type { CreateTenantCommand } from '../application/create-tenant.usecase.js';
import { QuotaDto, QuotaResponseDto, quotaFromDto, toQuotaResponse } from './quota.dto.js';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** `/tenants/:id` */
export class TenantIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class CreateTenantDto {
  @ApiProperty({
    description: 'URL-safe unique short name: lowercase letters, digits and "-", 2-63 characters',
    example: 'acme-robotics',
  })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/, {
    message:
      'slug must be 2-63 lowercase letters, digits and "-", starting with a letter and not ending with "-"',
  })
  slug!: string;

  @ApiProperty({ description: 'Display name (1-200 characters)', example: 'ACME Robotics' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({
    description: 'Kubernetes namespace of the tenant (default mp-<slug>)',
    example: 'mp-acme',
  })
  @IsOptional()
  @IsString()
  k8s_namespace?: string;

  @ApiPropertyOptional({
    description: 'Environments the tenant may run jobs in (default none)',
    enum: ALL_ENVIRONMENT_NAMES,
    isArray: true,
    example: ['torch.dev.gpu'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ALL_ENVIRONMENT_NAMES.length)
  @ArrayUnique()
  @IsIn(ALL_ENVIRONMENT_NAMES, { each: true })
  allowed_environments?: EnvironmentName[];

  @ApiPropertyOptional({ type: QuotaDto, description: 'Quota configuration (default: all zero)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuotaDto)
  quota?: QuotaDto;

  toCommand(): CreateTenantCommand {
    return {
      slug: this.slug,
      name: this.name,
      ...(this.k8s_namespace !== undefined ? { k8sNamespace: this.k8s_namespace } : {}),
      ...(this.allowed_environments !== undefined ? { allowedEnvironments: this.allowed_environments } : {}),
      ...(this.quota !== undefined ? { quota: quotaFromDto(this.quota) } : {}),
    };
  }
}

/** A tenant admin may change `name`; a platform admin also `k8s_namespace` and `allowed_environments`. */
export class UpdateTenantDto {
  @ApiPropertyOptional({ description: 'Display name (1-200 characters)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ description: 'Kubernetes namespace (platform admins only)' })
  @IsOptional()
  @IsString()
  k8s_namespace?: string;

  @ApiPropertyOptional({
    description: 'Environments the tenant may run jobs in (platform admins only)',
    enum: ALL_ENVIRONMENT_NAMES,
    isArray: true,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ALL_ENVIRONMENT_NAMES.length)
  @ArrayUnique()
  @IsIn(ALL_ENVIRONMENT_NAMES, { each: true })
  allowed_environments?: EnvironmentName[];

  toPatch(): TenantPatch {
    return {
      ...(this.name !== undefined ? { name: this.name } : {}),
      ...(this.k8s_namespace !== undefined ? { k8sNamespace: this.k8s_namespace } : {}),
      ...(this.allowed_environments !== undefined ? { allowedEnvironments: this.allowed_environments } : {}),
    };
  }
}

export class TenantResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'acme-robotics' })
  slug!: string;

  @ApiProperty({ example: 'ACME Robotics' })
  name!: string;

  @ApiProperty({ enum: TENANT_STATUSES })
  status!: string;

  @ApiProperty({ example: 'mp-acme-robotics' })
  k8s_namespace!: string;

  @ApiProperty({ enum: ALL_ENVIRONMENT_NAMES, isArray: true })
  allowed_environments!: string[];

  @ApiProperty({ type: QuotaResponseDto })
  quota!: QuotaResponseDto;

  @ApiProperty({ description: 'True for the tenant that holds the platform admins' })
  is_platform!: boolean;

  @ApiProperty({ description: 'Incremented by every change; TenantEvents carry it' })
  revision!: number;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updated_at!: Date;
}

export class TenantPageDto extends PageMetaDto {
  @ApiProperty({ type: TenantResponseDto, isArray: true })
  items!: TenantResponseDto[];
}

export function toTenantResponse(t: Tenant): TenantResponseDto {
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    status: t.status,
    k8s_namespace: t.k8sNamespace,
    allowed_environments: t.allowedEnvironments,
    quota: toQuotaResponse(t.quota),
    is_platform: t.isPlatform,
    revision: t.revision,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  };
}
