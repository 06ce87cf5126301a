import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class TokenRequestDto {
  @ApiProperty({
    description: 'An API key, as shown once when it was created',
    example: 'mpk_abcdefghijkl_...',
  })
  @IsString()
  @MaxLength(200)
  api_key!: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'EdDSA-signed JWT; send as `Authorization: Bearer <token>`' })
  access_token!: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires', example: 900 })
  expires_in!: number;

  @ApiProperty({ description: 'Tenant the token acts in', format: 'uuid' })
  tenant_id!: string;

  @ApiProperty({ description: 'Roles the token carries', example: ['tenant_admin'] })
  roles!: string[];
}

export class RotateKeysResponseDto {
  @ApiProperty({ description: 'Key id (`kid`) of the new signing key' })
  kid!: string;
}
