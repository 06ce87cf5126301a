import {
  Body,
  Catch,
  Controller,
  HttpCode,
  Post,
  Req,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { Public, RequirePermission } from '@auraison/auth';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ExchangeApiKey, TooManyAttemptsException } from '../application/exchange-api-key.usecase.js';
import { SigningKeysService } from '../application/signing-keys.service.js';
import { RotateKeysResponseDto, TokenRequestDto, TokenResponseDto } from './token.dto.js';

/** 429 answers carry Retry-After. */
@Catch(TooManyAttemptsException)
export class RetryAfterFilter implements ExceptionFilter<TooManyAttemptsException> {
  catch(exception: TooManyAttemptsException, host: ArgumentsHost): void {
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(429)
      .header('Retry-After', String(exception.retryAfter))
      .send(exception.getResponse());
  }
}

@ApiTags('auth')
@Controller('api/v1/auth')
export class TokenController {
  constructor(
    private readonly exchange: ExchangeApiKey,
    private readonly keys: SigningKeysService,
  ) {}

  @Post('token')
  @HttpCode(200)
  @Public('exchanges an API key for an access token; rate-limited on failures')
  @UseFilters(RetryAfterFilter)
  @ApiOperation({ summary: 'Exchange an API key for a short-lived access token' })
  @ApiResponse({ status: 200, type: TokenResponseDto })
  @ApiResponse({ status: 401, description: 'Invalid, revoked or expired key, or suspended tenant' })
  @ApiResponse({ status: 429, description: 'Too many failed attempts for this key or address' })
  async token(@Body() body: TokenRequestDto, @Req() request: FastifyRequest): Promise<TokenResponseDto> {
    const t = await this.exchange.execute(body.api_key, request.ip);
    return {
      access_token: t.accessToken,
      token_type: 'Bearer',
      expires_in: t.expiresIn,
      tenant_id: t.tenantId,
      roles: t.roles,
    };
  }

  @Post('keys/rotate')
  @HttpCode(200)
  @RequirePermission('auth:rotate-keys')
  @ApiOperation({
    summary: 'Start signing with a new key; tokens signed by the old one stay valid until they expire',
  })
  @ApiResponse({ status: 200, type: RotateKeysResponseDto })
  async rotate(): Promise<RotateKeysResponseDto> {
    return { kid: await this.keys.rotate() };
  }
}
