import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageMetaDto } from '@auraison/api-kit';
import type { CreateServiceAccountCommand } from '../application/manage-service-accounts.usecase.js';
import {
  SERVICE_ACCOUNT_NAME,
  SERVICE_ACCOUNT_ROLES,
  type ServiceAccount,
  type ServiceAccountRole,
} from '../domain/service-account.js';

/** `/tenants/:id/service-accounts/:saId` */
export class ServiceAccountParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  saId!: string;
}

export class CreateServiceAccountDto {
  @ApiProperty({
    description: 'Unique in the tenant: 2-63 lowercase letters, digits and "-", starting with a letter',
    example: 'control-plane',
  })
  @IsString()
  @Matches(SERVICE_ACCOUNT_NAME, {
    message: 'name must be 2-63 lowercase letters, digits and "-", starting with a letter',
  })
  name!: string;

  @ApiPropertyOptional({ description: 'What the account is for', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ enum: SERVICE_ACCOUNT_ROLES, default: 'service' })
  @IsOptional()
  @IsIn(SERVICE_ACCOUNT_ROLES)
  role?: ServiceAccountRole;

  toCommand(): CreateServiceAccountCommand {
    return { name: this.name, description: this.description ?? '', role: this.role ?? 'service' };
  }
}

export class ServiceAccountResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ enum: SERVICE_ACCOUNT_ROLES })
  role!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  disabled_at!: Date | null;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updated_at!: Date;
}

export class ServiceAccountPageDto extends PageMetaDto {
  @ApiProperty({ type: ServiceAccountResponseDto, isArray: true })
  items!: ServiceAccountResponseDto[];
}

export function toServiceAccountResponse(sa: ServiceAccount): ServiceAccountResponseDto {
  return {
    id: sa.id,
    tenant_id: sa.tenantId,
    name: sa.name,
    description: sa.description,
    role: sa.role,
    disabled_at: sa.disabledAt,
    created_at: sa.createdAt,
    updated_at: sa.updatedAt,
  };
}
