import { describe, expect, it } from '@jest/globals';
import { canGrantRole, hasPermission, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './permissions.js';

describe('permission table', () => {
  it('should give platform admins every permission', () => {
    for (const p of PERMISSIONS) expect(hasPermission(['platform_admin'], p)).toBe(true);
  });

  it('should only grant permissions that exist', () => {
    for (const role of ROLES) for (const p of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toContain(p);
  });

  it('should keep viewers read-only', () => {
    for (const p of ROLE_PERMISSIONS.viewer) expect(p).toMatch(/:read$/);
  });

  it('should keep platform-level powers with platform admins', () => {
    for (const p of [
      'tenants:create',
      'tenants:suspend',
      'quotas:update',
      'prices:write',
      'auth:rotate-keys',
      'policy:lockdown-global',
    ] as const)
      for (const role of ROLES.filter((r) => r !== 'platform_admin'))
        expect(hasPermission([role], p)).toBe(false);
  });

  it('should let service accounts admit jobs but not administer', () => {
    expect(hasPermission(['service'], 'quota:admit')).toBe(true);
    expect(hasPermission(['service'], 'users:write')).toBe(false);
  });

  it('should combine the permissions of several roles', () => {
    expect(hasPermission(['viewer', 'operator'], 'policy:gates')).toBe(true);
    expect(hasPermission([], 'tenants:read')).toBe(false);
  });

  it('should never let anyone but a platform admin grant platform_admin, nor non-admins grant roles', () => {
    expect(canGrantRole(['platform_admin'], 'platform_admin')).toBe(true);
    expect(canGrantRole(['tenant_admin'], 'platform_admin')).toBe(false);
    expect(canGrantRole(['tenant_admin'], 'operator')).toBe(true);
    expect(canGrantRole(['operator'], 'viewer')).toBe(false);
  });
});
