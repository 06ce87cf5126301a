import { ApiProperty } from '@nestjs/swagger';
import { TenantIdQuery } from '../../common/api/query.js';
import type { VerificationReport } from '../application/verify-chain.usecase.js';
import type { ChainHead } from '../persistence/chain.repository.js';

export class AuditQueryDto {
  @TenantIdQuery() tenant_id?: string;
}

export class ChainHeadDto {
  @ApiProperty({ description: 'Rows in the chain (the seq of the last one)' }) seq!: number;
  @ApiProperty({ description: 'SHA-256 of the last row (hex)' }) row_hash!: string;
}

export class BrokenLinkDto {
  @ApiProperty({ description: 'The first row (seq) where the chain breaks' }) seq!: number;
  @ApiProperty({ type: String, nullable: true }) event_id!: string | null;
  @ApiProperty({ example: 'the row does not match its row_hash: a stored column was changed' })
  reason!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The hash the chain requires there (hex)' })
  expected_hash!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The hash stored there (hex)' })
  stored_hash!: string | null;
}

export class CheckpointDto {
  @ApiProperty() seq!: number;
  @ApiProperty() row_hash!: string;
  @ApiProperty({ format: 'date-time' }) published_at!: string;
  @ApiProperty({ description: 'The row at seq still has the published hash' }) matches!: boolean;
}

export class VerificationDto {
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ description: 'True when every row, link and the head check out' }) intact!: boolean;
  @ApiProperty() rows_verified!: number;
  @ApiProperty({ type: ChainHeadDto, nullable: true }) head!: ChainHeadDto | null;
  @ApiProperty({ type: BrokenLinkDto, nullable: true }) first_broken_link!: BrokenLinkDto | null;
  @ApiProperty({
    type: CheckpointDto,
    nullable: true,
    description: 'The last head published on mp.audit.checkpoints',
  })
  checkpoint!: CheckpointDto | null;
  @ApiProperty() duration_ms!: number;
}

export function toVerificationResponse(r: VerificationReport): VerificationDto {
  return {
    tenant_id: r.tenantId,
    intact: r.intact,
    rows_verified: r.rowsVerified,
    head: r.head ? { seq: r.head.seq, row_hash: r.head.rowHash } : null,
    first_broken_link: r.firstBrokenLink
      ? {
          seq: r.firstBrokenLink.seq,
          event_id: r.firstBrokenLink.eventId,
          reason: r.firstBrokenLink.reason,
          expected_hash: r.firstBrokenLink.expectedHash,
          stored_hash: r.firstBrokenLink.storedHash,
        }
      : null,
    checkpoint: r.checkpoint
      ? {
          seq: r.checkpoint.seq,
          row_hash: r.checkpoint.rowHash,
          published_at: r.checkpoint.publishedAt,
          matches: r.checkpoint.matches,
        }
      : null,
    duration_ms: r.durationMs,
  };
}

export class HeadResponseDto {
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ type: ChainHeadDto, nullable: true, description: 'null while the tenant has no history' })
  head!: ChainHeadDto | null;
}

export function toHeadResponse(tenantId: string, head: ChainHead | undefined): HeadResponseDto {
  return {
    tenant_id: tenantId,
    head: head ? { seq: head.seq, row_hash: head.rowHash.toString('hex') } : null,
  };
}
