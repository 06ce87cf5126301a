import { isRole, type Role } from './permissions.js';

/** Who is calling, from a verified access token. */
export interface Principal {
  /** User or service account id (the token's `sub`). */
  readonly subject: string;
  readonly subjectType: 'user' | 'service_account';
  /** The tenant the token was issued for. */
  readonly tenantId: string;
  readonly roles: readonly Role[];
  /** Token id (`jti`), for audit trails. */
  readonly tokenId: string;
  /** Expiry, epoch seconds. */
  readonly expiresAt: number;
}

/** Claims of an access token issued by the tenant registry. */
export interface AccessTokenClaims {
  sub: string;
  tenant_id: string;
  roles: Role[];
  typ: 'user' | 'service_account';
  jti: string;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

export const TOKEN_AUDIENCE = 'auraison-mp';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Turns verified claims into a Principal, or undefined when they do not have the expected shape. */
export function principalFromClaims(claims: Record<string, unknown>): Principal | undefined {
  const { sub, tenant_id: tenantId, roles, typ, jti, exp } = claims;
  if (typeof sub !== 'string' || !UUID.test(sub)) return undefined;
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) return undefined;
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) return undefined;
  if (typ !== 'user' && typ !== 'service_account') return undefined;
  if (typeof jti !== 'string' || typeof exp !== 'number') return undefined;
  return { subject: sub, subjectType: typ, tenantId, roles, tokenId: jti, expiresAt: exp };
}

export function isPlatformAdmin(principal: Principal): boolean {
  return principal.roles.includes('platform_admin');
}
