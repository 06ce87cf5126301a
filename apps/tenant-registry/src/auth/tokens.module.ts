import { Module } from '@nestjs/common';
import { JwksController } from './api/jwks.controller.js';
import { SigningKeysService } from './application/signing-keys.service.js';
import { TokenIssuer } from './application/token-issuer.service.js';
import { TOKEN_ISSUER } from './auth.tokens.js';
import { SigningKeyRepository } from './persistence/signing-key.repository.js';

/** Access tokens: signing keys, the JWKS, API key exchange, the bootstrap admin key. */
@Module({})
export class TokensModule {
  static forRoot(options: { issuer: string }) {
    return {
      module: TokensModule,
      controllers: [JwksController],
      providers: [
        { provide: TOKEN_ISSUER, useValue: options.issuer },
        SigningKeyRepository,
        SigningKeysService,
        TokenIssuer,
      ],
      exports: [SigningKeysService, TokenIssuer],
    };
  }
}
