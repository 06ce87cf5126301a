// The audit log and the quota reservations over HTTP (read-only).
import { Controller, Get, Param, Query, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, isPlatformAdmin, RequirePermission, type Principal } from '@auraison/auth';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PolicyErrorFilter } from '../../common/api/policy-error.filter.js';
import { PolicyError } from '../../common/domain/policy-error.js';
import { TenantAccess } from '../../policy/application/tenant-access.js';
import {
  QuotaRepository,
  type Reservation,
  type ReservationStatus,
} from '../../quota/persistence/quota.repository.js';
import { HistoryQueryDto, TenantParams } from '../../scopes/api/role-policy.dto.js';
import { AuditRepository, type AuditEntry } from '../persistence/audit.repository.js';

export class AuditEntryDto {
  @ApiProperty()
  id!: number;
  @ApiProperty({ format: 'date-time' })
  at!: string;
  @ApiProperty({ format: 'uuid' })
  actor_id!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  actor_tenant_id!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  tenant_id!: string | null;
  @ApiProperty({ example: 'lockdown.engaged' })
  action!: string;
  @ApiProperty({ example: 'tenant:6f1c...' })
  target!: string;
  @ApiProperty()
  reason!: string;
  @ApiProperty({ type: Object })
  detail!: Record<string, unknown>;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] })
  items!: AuditEntryDto[];
  @ApiProperty({ type: Number, nullable: true, description: 'Pass as ?before= for older entries' })
  next_before!: number | null;
}

const STATUSES: ReservationStatus[] = ['open', 'settled', 'released', 'expired'];

class ReservationQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: ReservationStatus;

  @ApiPropertyOptional({ description: 'Newest first, at most 200 (default 50)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class ReservationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  job_id!: string;
  @ApiProperty()
  agent_role!: string;
  @ApiProperty()
  environment!: string;
  @ApiProperty()
  gpu_count!: number;
  @ApiProperty()
  max_duration_s!: number;
  @ApiProperty()
  gpu_hours_reserved!: number;
  @ApiProperty()
  tokens_reserved!: number;
  @ApiProperty()
  gpu_hours_actual!: number;
  @ApiProperty()
  tokens_actual!: number;
  @ApiProperty({ enum: STATUSES })
  status!: ReservationStatus;
  @ApiProperty({ format: 'date-time' })
  created_at!: string;
  @ApiProperty({ format: 'date-time' })
  expires_at!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  closed_at!: string | null;
  @ApiProperty({ type: String, nullable: true })
  close_reason!: string | null;
}

export class ReservationListDto {
  @ApiProperty({ type: [ReservationDto] })
  items!: ReservationDto[];
}

const presentEntry = (e: AuditEntry): AuditEntryDto => ({
  id: e.id,
  at: e.at.toISOString(),
  actor_id: e.actorId,
  actor_tenant_id: e.actorTenantId,
  tenant_id: e.tenantId,
  action: e.action,
  target: e.target,
  reason: e.reason,
  detail: e.detail,
});

const hours = (ms: number): number => Math.round((ms / 3_600_000) * 1e6) / 1e6;

const presentReservation = (r: Reservation): ReservationDto => ({
  id: r.id,
  job_id: r.jobId,
  agent_role: r.agentRole,
  environment: r.environment,
  gpu_count: r.gpuCount,
  max_duration_s: r.maxDurationS,
  gpu_hours_reserved: hours(r.gpuMsReserved),
  tokens_reserved: r.tokensReserved,
  gpu_hours_actual: hours(r.gpuMsActual),
  tokens_actual: r.tokensActual,
  status: r.status,
  created_at: r.createdAt.toISOString(),
  expires_at: r.expiresAt.toISOString(),
  closed_at: r.closedAt?.toISOString() ?? null,
  close_reason: r.closeReason,
});

@ApiTags('audit')
@UseFilters(PolicyErrorFilter)
@Controller('api/v1/policy')
export class AuditController {
  constructor(
    private readonly audit: AuditRepository,
    private readonly quota: QuotaRepository,
    private readonly access: TenantAccess,
  ) {}

  @Get('tenants/:tenantId/audit')
  @RequirePermission('policy:read')
  @ApiOperation({
    summary: "The tenant's policy changes, newest first: overrides, lockdowns, gates, experiments",
  })
  @ApiOkResponse({ type: AuditPageDto })
  async tenantAudit(
    @CurrentPrincipal() p: Principal,
    @Param() { tenantId }: TenantParams,
    @Query() q: HistoryQueryDto,
  ): Promise<AuditPageDto> {
    const { scope } = await this.access.resolve(p, tenantId);
    const page = await this.audit.list(scope, q.limit ?? 50, q.before);
    return { items: page.items.map(presentEntry), next_before: page.nextBefore };
  }

  @Get('audit')
  @RequirePermission('policy:read')
  @ApiOperation({
    summary: 'Platform-wide policy changes (role defaults, global lockdown...), platform admins',
  })
  @ApiOkResponse({ type: AuditPageDto })
  async platformAudit(@CurrentPrincipal() p: Principal, @Query() q: HistoryQueryDto): Promise<AuditPageDto> {
    if (!isPlatformAdmin(p)) throw new PolicyError('not-found', 'not found');
    const page = await this.audit.list('platform', q.limit ?? 50, q.before);
    return { items: page.items.map(presentEntry), next_before: page.nextBefore };
  }

  @Get('tenants/:tenantId/reservations')
  @RequirePermission('policy:read')
  @ApiOperation({ summary: "The tenant's quota reservations, newest first" })
  @ApiOkResponse({ type: ReservationListDto })
  async reservations(
    @CurrentPrincipal() p: Principal,
    @Param() { tenantId }: TenantParams,
    @Query() q: ReservationQueryDto,
  ): Promise<ReservationListDto> {
    const { scope } = await this.access.resolve(p, tenantId);
    return { items: (await this.quota.list(scope, q.status, q.limit ?? 50)).map(presentReservation) };
  }
}
