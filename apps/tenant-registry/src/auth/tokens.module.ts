import { Module, type DynamicModule } from '@nestjs/common';
import {
  BOOTSTRAP_OPTIONS,
  BootstrapAdmin,
  type BootstrapOptions,
} from './application/bootstrap-admin.service.js';
import { ExchangeApiKey } from './application/exchange-api-key.usecase.js';
import { SigningKeysService } from './application/signing-keys.service.js';
import { TokenIssuer } from './application/token-issuer.service.js';
import { JwksController } from './api/jwks.controller.js';
import { TokenController } from './api/token.controller.js';
import { TOKEN_ISSUER } from './auth.tokens.js';
import { ApiKeyCredentialsRepository } from './persistence/api-key-credentials.repository.js';
import { AuthFailureRepository } from './persistence/auth-failure.repository.js';
import { SigningKeyRepository } from './persistence/signing-key.repository.js';

export interface TokensModuleOptions {
  issuer: string;
  bootstrap: BootstrapOptions;
}

/** Access tokens: signing keys, the JWKS, API key exchange, the bootstrap admin key. */
@Module({})
export class TokensModule {
  static forRoot(options: TokensModuleOptions): DynamicModule {
    return {
      module: TokensModule,
      controllers: [JwksController, TokenController],
      providers: [
        { provide: TOKEN_ISSUER, useValue: options.issuer },
        { provide: BOOTSTRAP_OPTIONS, useValue: options.bootstrap },
        SigningKeyRepository,
        ApiKeyCredentialsRepository,
        AuthFailureRepository,
        SigningKeysService,
        TokenIssuer,
        ExchangeApiKey,
        BootstrapAdmin,
      ],
      exports: [SigningKeysService, TokenIssuer],
    };
  }
}
