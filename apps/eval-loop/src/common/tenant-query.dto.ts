import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

/** `?tenant_id=`: platform-wide callers may read another tenant; others get 404 for any tenant but theirs. */
export class TenantQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Tenant to read (default: your own)' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}
