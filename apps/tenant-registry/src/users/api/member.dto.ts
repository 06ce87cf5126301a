import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageMetaDto } from '@auraison/api-kit';
import type { AddMemberCommand } from '../application/add-member.usecase.js';
import { MEMBER_ROLES, type Member, type MemberRole } from '../domain/membership.js';

const normalizeEmail = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** `/tenants/:id/users/:userId` */
export class TenantUserParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;
}

export class AddMemberDto {
  @ApiProperty({
    description: 'Email (case-insensitive); an existing user is added, a new one created',
    example: 'ada@example.com',
  })
  @Transform(normalizeEmail)
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional({
    description: 'Display name for a new user (an existing user keeps theirs)',
    example: 'Ada Lovelace',
    maxLength: 200,
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  display_name?: string;

  @ApiProperty({ enum: MEMBER_ROLES, description: 'Role in this tenant (never more than your own)' })
  @IsIn(MEMBER_ROLES)
  role!: MemberRole;

  toCommand(): AddMemberCommand {
    return { email: this.email, displayName: this.display_name ?? '', role: this.role };
  }
}

export class ChangeMemberRoleDto {
  @ApiProperty({ enum: MEMBER_ROLES })
  @IsIn(MEMBER_ROLES)
  role!: MemberRole;
}

export class MemberResponseDto {
  @ApiProperty({ format: 'uuid', description: 'The user id' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  display_name!: string;

  @ApiProperty({ enum: MEMBER_ROLES })
  role!: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the user joined the tenant' })
  created_at!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updated_at!: Date;
}

export class MemberPageDto extends PageMetaDto {
  @ApiProperty({ type: MemberResponseDto, isArray: true })
  items!: MemberResponseDto[];
}

export function toMemberResponse(m: Member): MemberResponseDto {
  return {
    id: m.userId,
    tenant_id: m.tenantId,
    email: m.email,
    display_name: m.displayName,
    role: m.role,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}
