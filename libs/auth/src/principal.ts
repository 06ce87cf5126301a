import { isRole, type Role } from './permissions.js';

/** Who is calling, from a verified access token. */
export interface Principal {
  /** User or service account id (the token's `sub`). */
  readonly subject: string;
  readonly subjectType: 'user' | 'service_account';
  /** The tenant the token was issued for. */
  readonly tenantId: string;
  readonly roles: readonly Role[];
  /**
   * A member of the platform tenant: acts in every tenant with its role's permissions (a platform
   * `service` account is how the plane's own components read across tenants; only platform_admin
   * holds the administrative permissions).
   */
  readonly platform: boolean;
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
  /** Present and true for members of the platform tenant. */
  platform?: boolean;
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
  const { sub, tenant_id: tenantId, roles, typ, jti, exp, platform } = claims;
  if (typeof sub !== 'string' || !UUID.test(sub)) return undefined;
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) return undefined;
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) return undefined;
  if (typ !== 'user' && typ !== 'service_account') return undefined;
  if (typeof jti !== 'string' || typeof exp !== 'number') return undefined;
  return {
    subject: sub,
    subjectType: typ,
    tenantId,
    roles,
    // platform_admin is platform-wide by definition, whatever the claim says.
    platform: platform === true || roles.includes('platform_admin'),
    tokenId: jti,
    expiresAt: exp,
  };
}

export function isPlatformAdmin(principal: Principal): boolean {
  return principal.roles.includes('platform_admin');
}

/** May act in tenants other than its own (with its role's permissions). */
export function isPlatformWide(principal: Principal): boolean {
  return principal.platform || isPlatformAdmin(principal);
}
