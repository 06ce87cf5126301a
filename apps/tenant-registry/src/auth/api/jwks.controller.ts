import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '@auraison/auth';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { JWK } from 'jose';
import { SigningKeysService } from '../application/signing-keys.service.js';

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get('jwks.json')
  @Public('public keys that every service verifies access tokens with')
  @Header('Cache-Control', 'public, max-age=60')
  @ApiOperation({ summary: 'The public keys (JWKS) that access tokens are signed with' })
  async jwks(): Promise<{ keys: JWK[] }> {
    return this.keys.jwks();
  }
}
