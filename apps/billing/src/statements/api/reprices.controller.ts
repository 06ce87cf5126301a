import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { ListReprices } from '../application/list-reprices.usecase.js';
import { RepricePeriod } from '../application/reprice-period.usecase.js';
import { RepriceDto, RepriceListQuery, RepriceRunDto, toRepriceRunDto } from './statement.dto.js';

@ApiTags('statements')
@Controller('api/v1/billing/reprices')
export class RepricesController {
  constructor(
    private readonly reprice: RepricePeriod,
    private readonly list: ListReprices,
  ) {}

  @Post()
  @RequirePermission('billing:reprice')
  @ApiOperation({
    summary:
      "Re-price a tenant's period with the current price book (platform admins): writes adjustment lines and an audit record",
  })
  @ApiCreatedResponse({ type: RepriceRunDto })
  async create(@CurrentPrincipal() p: Principal, @Body() body: RepriceDto): Promise<RepriceRunDto> {
    return toRepriceRunDto(await this.reprice.execute(p, body.tenant_id, body.period, body.reason.trim()));
  }

  @Get()
  @RequirePermission('billing:read')
  @ApiOperation({ summary: 'Re-pricing runs of a tenant (optionally of one period), newest first' })
  @ApiOkResponse({ type: [RepriceRunDto] })
  async runs(@CurrentPrincipal() p: Principal, @Query() q: RepriceListQuery): Promise<RepriceRunDto[]> {
    return (await this.list.execute(p, q.tenant_id, q.period)).map(toRepriceRunDto);
  }
}
