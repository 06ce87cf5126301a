import { ApiProperty } from '@nestjs/swagger';
import { PERMISSIONS, ROLES } from '@auraison/auth';
import { TENANT_STATUSES } from '../../tenants/domain/tenant.js';
import type { Caller } from '../application/describe-caller.usecase.js';

export class MeTenantDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  slug!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: TENANT_STATUSES })
  status!: string;

  @ApiProperty()
  is_platform!: boolean;
}

export class MeResponseDto {
  @ApiProperty({ format: 'uuid', description: 'User or service account id (the token subject)' })
  id!: string;

  @ApiProperty({ enum: ['user', 'service_account'] })
  subject_type!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Email of a user; null for service accounts' })
  email!: string | null;

  @ApiProperty({ description: "A user's display name or a service account's name" })
  display_name!: string;

  @ApiProperty({ type: MeTenantDto })
  tenant!: MeTenantDto;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: string[];

  @ApiProperty({ enum: PERMISSIONS, isArray: true, description: 'Everything the roles allow' })
  permissions!: string[];

  @ApiProperty({ type: String, format: 'date-time', description: 'When the access token expires' })
  token_expires_at!: Date;
}

export function toMeResponse(c: Caller): MeResponseDto {
  return {
    id: c.principal.subject,
    subject_type: c.principal.subjectType,
    email: c.email,
    display_name: c.displayName,
    tenant: {
      id: c.tenant.id,
      slug: c.tenant.slug,
      name: c.tenant.name,
      status: c.tenant.status,
      is_platform: c.tenant.isPlatform,
    },
    roles: [...c.principal.roles],
    permissions: c.permissions,
    token_expires_at: new Date(c.principal.expiresAt * 1000),
  };
}
