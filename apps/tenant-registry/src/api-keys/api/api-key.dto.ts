import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { invalidField, ListQueryDto, PageMetaDto } from '@auraison/api-kit';
import { displayPrefix } from '../../auth/domain/api-key.js';
import type { CreateApiKeyCommand, CreatedApiKey } from '../application/manage-api-keys.usecase.js';
import type { ApiKeyOwner, ApiKeyRecord } from '../domain/api-key-record.js';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** An ISO 8601 date-time string, kept a string when it is not one so @IsDate can refuse it by name. */
const isoDate = ({ value }: { value: unknown }): unknown => {
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
  )
    return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date;
};

function ownerOf(userId?: string, serviceAccountId?: string): ApiKeyOwner | undefined {
  if (userId !== undefined && serviceAccountId !== undefined)
    throw invalidField('service_account_id', 'give user_id or service_account_id, not both');
  if (userId !== undefined) return { kind: 'user', userId };
  if (serviceAccountId !== undefined) return { kind: 'service_account', serviceAccountId };
  return undefined;
}

/** `/tenants/:id/api-keys/:keyId` */
export class ApiKeyParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  keyId!: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ description: 'What the key is for (1-200 characters)', example: 'ci pipeline' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Owner: a user of this tenant (default: you). Give this or service_account_id.',
  })
  @IsOptional()
  @IsUUID()
  user_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Owner: a service account of this tenant' })
  @IsOptional()
  @IsUUID()
  service_account_id?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Expiry (default: never)' })
  @IsOptional()
  @Transform(isoDate)
  @IsDate({ message: 'expires_at must be an ISO 8601 date-time with a time zone' })
  expires_at?: Date;

  toCommand(): CreateApiKeyCommand {
    const owner = ownerOf(this.user_id, this.service_account_id);
    return {
      name: this.name,
      ...(owner ? { owner } : {}),
      ...(this.expires_at ? { expiresAt: this.expires_at } : {}),
    };
  }
}

export class ListApiKeysQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only keys of this user' })
  @IsOptional()
  @IsUUID()
  user_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only keys of this service account' })
  @IsOptional()
  @IsUUID()
  service_account_id?: string;

  owner(): ApiKeyOwner | undefined {
    return ownerOf(this.user_id, this.service_account_id);
  }
}

export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty({
    description: 'Public identifier of the key (its first characters), never the secret',
    example: 'mpk_abcdefghijkl',
  })
  prefix!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Owning user' })
  owner_user_id!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Owning service account' })
  owner_service_account_id!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who created the key' })
  created_by!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: Date;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expires_at!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revoked_at!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_used_at!: Date | null;
}

export class CreatedApiKeyResponseDto extends ApiKeyResponseDto {
  @ApiProperty({
    description: 'The key. Shown in this response only: store it now, it cannot be read again.',
    example: 'mpk_abcdefghijkl_…',
  })
  api_key!: string;
}

export class ApiKeyPageDto extends PageMetaDto {
  @ApiProperty({ type: ApiKeyResponseDto, isArray: true })
  items!: ApiKeyResponseDto[];
}

export function toApiKeyResponse(k: ApiKeyRecord): ApiKeyResponseDto {
  return {
    id: k.id,
    tenant_id: k.tenantId,
    prefix: displayPrefix(k.prefix),
    name: k.name,
    owner_user_id: k.owner.kind === 'user' ? k.owner.userId : null,
    owner_service_account_id: k.owner.kind === 'service_account' ? k.owner.serviceAccountId : null,
    created_by: k.createdBy,
    created_at: k.createdAt,
    expires_at: k.expiresAt,
    revoked_at: k.revokedAt,
    last_used_at: k.lastUsedAt,
  };
}

export function toCreatedApiKeyResponse(created: CreatedApiKey): CreatedApiKeyResponseDto {
  return { ...toApiKeyResponse(created.record), api_key: created.token };
}
