import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { CurrentPrincipal, RequirePermission, TenantScope, type Principal } from '@auraison/auth';
import {
  CursorQuery,
  IdQuery,
  LimitQuery,
  pageRequest,
  TenantIdQuery,
  timeRange,
  TimeQuery,
} from '../../common/api/query.js';
import { MAX_PAGE_SIZE } from '../../common/domain/page.js';
import { ReadEvalSummaries } from '../application/read-eval-summaries.usecase.js';
import type { StoredEvalSummary } from '../persistence/eval-summary.repository.js';

export class EvaluationsQueryDto {
  @TenantIdQuery() tenant_id?: string;

  @ApiPropertyOptional({ description: 'Platform-wide evaluations (no tenant) instead; platform admins only' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  platform_wide?: boolean;

  @IdQuery('Evaluation run id') run_id?: string;
  @TimeQuery('Summaries of runs that finished at or after this time') from?: string;
  @TimeQuery('Summaries of runs that finished before this time') to?: string;
  @LimitQuery(MAX_PAGE_SIZE) limit?: number;
  @CursorQuery() cursor?: string;
}

export class EvaluationSummaryDto {
  @ApiProperty() event_id!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) tenant_id!: string | null;
  @ApiProperty() run_id!: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The EvaluationSummary as proto3 JSON (original field names): signals, experiments, window',
  })
  summary!: Record<string, unknown>;
}

export class EvaluationPageDto {
  @ApiProperty({ type: [EvaluationSummaryDto] }) items!: EvaluationSummaryDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

const present = (s: StoredEvalSummary): EvaluationSummaryDto => ({
  event_id: s.eventId,
  tenant_id: s.tenantId,
  run_id: s.runId,
  timestamp: s.occurredAt,
  summary: s.summary,
});

@ApiTags('evaluations')
@Controller('api/v1/evaluations')
export class EvaluationsController {
  constructor(private readonly read: ReadEvalSummaries) {}

  @Get()
  @RequirePermission('events:read')
  @ApiOperation({ summary: 'Evaluation summaries published by the eval loop, oldest first' })
  @ApiOkResponse({ type: EvaluationPageDto })
  async list(@CurrentPrincipal() p: Principal, @Query() q: EvaluationsQueryDto): Promise<EvaluationPageDto> {
    const page = await this.read.list(
      TenantScope.of(p, q.tenant_id),
      q.platform_wide === true,
      { ...timeRange(q), runId: q.run_id },
      pageRequest(q, ['timestamp', 'text']),
    );
    return { items: page.items.map(present), next_cursor: page.nextCursor };
  }
}
