// Tenancy in the types (STYLE: novu): repository methods that touch tenant data take a TenantScope,
// and the only way to get one is from a verified principal that may act in that tenant. A query
// without a tenant filter therefore does not compile.
import { NotFoundException } from '@nestjs/common';
import { isPlatformAdmin, isPlatformWide, type Principal } from './principal.js';

export class TenantScope {
  private constructor(
    /** The one tenant every query through this scope is filtered by. */
    readonly tenantId: string,
    readonly principal: Principal,
  ) {}

  /**
   * The scope of `tenantId` for this caller, defaulting to the caller's own tenant. Another tenant's
   * id answers 404 (not 403), so callers cannot learn which tenants exist; members of the platform
   * tenant (platform admins, the plane's own service accounts) may act in any tenant.
   */
  static of(principal: Principal, tenantId: string = principal.tenantId): TenantScope {
    if (tenantId !== principal.tenantId && !isPlatformWide(principal))
      throw new NotFoundException('tenant not found');
    return new TenantScope(tenantId, principal);
  }

  /** For internal work with no caller (consumers, schedulers, bootstrap). */
  static system(tenantId: string): TenantScope {
    return new TenantScope(tenantId, {
      subject: '00000000-0000-0000-0000-000000000000',
      subjectType: 'service_account',
      tenantId,
      roles: ['service'],
      platform: false,
      tokenId: 'system',
      expiresAt: Number.MAX_SAFE_INTEGER,
    });
  }
}

/** Cross-tenant operations (listing every tenant): only platform admins can obtain one. */
export class PlatformScope {
  private constructor(readonly principal: Principal) {}

  static of(principal: Principal): PlatformScope {
    if (!isPlatformAdmin(principal)) throw new NotFoundException('not found');
    return new PlatformScope(principal);
  }
}
