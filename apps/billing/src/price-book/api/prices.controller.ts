import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { ChangePrices } from '../application/change-prices.usecase.js';
import { ReadPriceBook } from '../application/read-price-book.usecase.js';
import { parseUsd } from '../../common/domain/money.js';
import {
  EnvironmentParams,
  GpuRateDto,
  ModelParams,
  ModelRateDto,
  PriceHistoryQuery,
  PriceHistoryResponseDto,
  PricesQuery,
  PricesResponseDto,
  PriceVersionDto,
  toPriceVersionDto,
  WithdrawRateQuery,
} from './price.dto.js';

const instant = (text: string | undefined): Date | undefined =>
  text === undefined ? undefined : new Date(text);

@ApiTags('price book')
@Controller('api/v1/billing/prices')
export class PricesController {
  constructor(
    private readonly read: ReadPriceBook,
    private readonly change: ChangePrices,
  ) {}

  @Get()
  @RequirePermission('billing:read')
  @ApiOperation({ summary: 'Rates in force (now or ?at=) and the rates scheduled after it' })
  @ApiOkResponse({ type: PricesResponseDto })
  async current(@Query() q: PricesQuery): Promise<PricesResponseDto> {
    const r = await this.read.at(instant(q.at) ?? new Date());
    return {
      version: r.version,
      at: r.at.toISOString(),
      in_force: r.inForce.map(toPriceVersionDto),
      upcoming: r.upcoming.map(toPriceVersionDto),
    };
  }

  @Get('history')
  @RequirePermission('billing:read')
  @ApiOperation({ summary: 'Every price-book version, newest first (who changed what, when and why)' })
  @ApiOkResponse({ type: PriceHistoryResponseDto })
  async history(@Query() q: PriceHistoryQuery): Promise<PriceHistoryResponseDto> {
    const limit = q.limit ?? 50;
    const items = await this.read.history({
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.key ? { key: q.key } : {}),
      ...(q.before ? { beforeVersion: q.before } : {}),
      limit,
    });
    return {
      items: items.map(toPriceVersionDto),
      next_before: items.length === limit ? items[items.length - 1]!.version : null,
    };
  }

  @Put('models/:model')
  @RequirePermission('prices:write')
  @ApiOperation({ summary: "Set a model's token rates from effective_from (a new version; platform admins)" })
  @ApiOkResponse({ type: PriceVersionDto })
  async setModel(
    @CurrentPrincipal() p: Principal,
    @Param() { model }: ModelParams,
    @Body() body: ModelRateDto,
  ): Promise<PriceVersionDto> {
    const effectiveFrom = instant(body.effective_from);
    return toPriceVersionDto(
      await this.change.setRate(p, {
        kind: 'model',
        key: model,
        model: body.rates(),
        reason: body.reason.trim(),
        ...(effectiveFrom ? { effectiveFrom } : {}),
      }),
    );
  }

  @Put('gpus/:environment')
  @RequirePermission('prices:write')
  @ApiOperation({ summary: "Set an environment's GPU-hour rate from effective_from (platform admins)" })
  @ApiOkResponse({ type: PriceVersionDto })
  async setGpu(
    @CurrentPrincipal() p: Principal,
    @Param() { environment }: EnvironmentParams,
    @Body() body: GpuRateDto,
  ): Promise<PriceVersionDto> {
    const effectiveFrom = instant(body.effective_from);
    return toPriceVersionDto(
      await this.change.setRate(p, {
        kind: 'gpu',
        key: environment,
        gpuHour: parseUsd(body.per_gpu_hour),
        reason: body.reason.trim(),
        ...(effectiveFrom ? { effectiveFrom } : {}),
      }),
    );
  }

  @Delete('models/:model')
  @HttpCode(200)
  @RequirePermission('prices:write')
  @ApiOperation({
    summary: 'Withdraw the model rate scheduled at effective_from (a new version; platform admins)',
  })
  @ApiOkResponse({ type: PriceVersionDto })
  async withdrawModel(
    @CurrentPrincipal() p: Principal,
    @Param() { model }: ModelParams,
    @Query() q: WithdrawRateQuery,
  ): Promise<PriceVersionDto> {
    return toPriceVersionDto(
      await this.change.withdraw(p, {
        kind: 'model',
        key: model,
        effectiveFrom: new Date(q.effective_from),
        reason: q.reason.trim(),
      }),
    );
  }

  @Delete('gpus/:environment')
  @HttpCode(200)
  @RequirePermission('prices:write')
  @ApiOperation({ summary: 'Withdraw the GPU rate scheduled at effective_from (platform admins)' })
  @ApiOkResponse({ type: PriceVersionDto })
  async withdrawGpu(
    @CurrentPrincipal() p: Principal,
    @Param() { environment }: EnvironmentParams,
    @Query() q: WithdrawRateQuery,
  ): Promise<PriceVersionDto> {
    return toPriceVersionDto(
      await this.change.withdraw(p, {
        kind: 'gpu',
        key: environment,
        effectiveFrom: new Date(q.effective_from),
        reason: q.reason.trim(),
      }),
    );
  }
}
