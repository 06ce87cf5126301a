import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TOKEN_AUDIENCE, type Role } from '@auraison/auth';
import { SignJWT } from 'jose';
import { TOKEN_ISSUER } from '../auth.tokens.js';
import { ACCESS_TOKEN_TTL_SECONDS, SigningKeysService } from './signing-keys.service.js';

export interface TokenSubject {
  subject: string;
  subjectType: 'user' | 'service_account';
  tenantId: string;
  roles: Role[];
  /** A member of the platform tenant (acts across tenants with its role's permissions). */
  platform?: boolean;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  expiresAt: Date;
}

/** Signs short-lived access tokens (EdDSA) that every service verifies from the JWKS. */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeysService,
    @Inject(TOKEN_ISSUER) private readonly issuer: string,
  ) {}

  async issue(subject: TokenSubject, ttlSeconds: number = ACCESS_TOKEN_TTL_SECONDS): Promise<IssuedToken> {
    const { kid, privateKey } = await this.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({
      tenant_id: subject.tenantId,
      roles: subject.roles,
      typ: subject.subjectType,
      ...(subject.platform ? { platform: true } : {}),
    })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
      .setSubject(subject.subject)
      .setIssuer(this.issuer)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(randomUUID())
      .sign(privateKey);
    return { accessToken, expiresIn: ttlSeconds, expiresAt: new Date((now + ttlSeconds) * 1000) };
  }
}
