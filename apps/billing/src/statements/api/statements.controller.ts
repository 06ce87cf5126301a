import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import type { FastifyReply } from 'fastify';
import { BuildStatement } from '../application/build-statement.usecase.js';
import { statementCsv } from '../domain/statement.js';
import { StatementQuery, StatementResponseDto, toStatementResponse } from './statement.dto.js';

@ApiTags('statements')
@Controller('api/v1/billing/statements')
export class StatementsController {
  constructor(private readonly statements: BuildStatement) {}

  @Get()
  @RequirePermission('billing:read')
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({
    summary: "A tenant's statement for a closed period, as JSON or CSV (?format=csv or Accept: text/csv)",
  })
  @ApiOkResponse({ type: StatementResponseDto })
  async get(
    @CurrentPrincipal() p: Principal,
    @Query() q: StatementQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatementResponseDto | string> {
    const statement = await this.statements.execute(p, q.tenant_id, q.period);
    const csv = q.format === 'csv' || (q.format === undefined && /\btext\/csv\b/i.test(accept ?? ''));
    if (!csv) return toStatementResponse(statement);
    void reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header(
        'Content-Disposition',
        `attachment; filename="statement-${statement.tenantSlug}-${statement.period.label}.csv"`,
      );
    return statementCsv(statement);
  }
}
