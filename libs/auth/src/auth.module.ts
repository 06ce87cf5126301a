import {
  Global,
  Module,
  type DynamicModule,
  type ModuleMetadata,
  type Provider,
  type Type,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard, PRINCIPAL_CHECK, type PrincipalCheck } from './auth.guard.js';
import { JwksKeySource, TokenVerifier, type KeySource } from './token-verifier.js';

export const KEY_SOURCE = Symbol('KEY_SOURCE');

export interface AuthModuleOptions {
  /** Expected token issuer (the tenant registry's public URL). */
  issuer: string;
  /**
   * Where the verification keys come from: the registry's JWKS URL, or (inside the registry) an
   * existing provider exported by one of `imports`.
   */
  keys: { jwksUrl: string } | { useExisting: Type<KeySource>; imports: ModuleMetadata['imports'] };
  /** Optional extra check of every principal (e.g. suspended tenants). */
  principalCheck?: Type<PrincipalCheck>;
}

/** Installs the AuthGuard on every route and RPC of the app. Import once in the app module. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    const keySource: Provider =
      'jwksUrl' in options.keys
        ? { provide: KEY_SOURCE, useValue: new JwksKeySource({ url: options.keys.jwksUrl }) }
        : { provide: KEY_SOURCE, useExisting: options.keys.useExisting };
    return {
      module: AuthModule,
      imports: 'imports' in options.keys ? options.keys.imports : [],
      providers: [
        keySource,
        {
          provide: TokenVerifier,
          inject: [KEY_SOURCE],
          useFactory: (keys: KeySource) => new TokenVerifier(keys, { issuer: options.issuer }),
        },
        ...(options.principalCheck ? [{ provide: PRINCIPAL_CHECK, useClass: options.principalCheck }] : []),
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TokenVerifier, KEY_SOURCE],
    };
  }
}
