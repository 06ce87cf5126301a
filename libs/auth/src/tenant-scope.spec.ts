import { describe, expect, it } from '@jest/globals';
import { NotFoundException } from '@nestjs/common';
import type { Principal } from './principal.js';
import { PlatformScope, TenantScope } from './tenant-scope.js';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const member = (
  roles: Principal['roles'],
  tenantId = A,
  platform = roles.includes('platform_admin'),
): Principal => ({
  subject: '33333333-3333-4333-8333-333333333333',
  subjectType: 'user',
  tenantId,
  roles,
  platform,
  tokenId: 'jti',
  expiresAt: 0,
});

describe('TenantScope', () => {
  it("should scope to the caller's own tenant by default", () => {
    expect(TenantScope.of(member(['viewer'])).tenantId).toBe(A);
  });

  it("should answer 404 for another tenant's id", () => {
    expect(() => TenantScope.of(member(['tenant_admin']), B)).toThrow(NotFoundException);
  });

  it('should let platform admins act in any tenant', () => {
    expect(TenantScope.of(member(['platform_admin']), B).tenantId).toBe(B);
  });

  it("should let the platform tenant's service accounts read any tenant, but not administer", () => {
    const platformService = member(['service'], A, true);
    expect(TenantScope.of(platformService, B).tenantId).toBe(B);
    expect(() => PlatformScope.of(platformService)).toThrow(NotFoundException);
  });

  it('should give a PlatformScope to platform admins only', () => {
    expect(PlatformScope.of(member(['platform_admin'])).principal.roles).toEqual(['platform_admin']);
    expect(() => PlatformScope.of(member(['tenant_admin']))).toThrow(NotFoundException);
  });
});
