import { describe, expect, it } from '@jest/globals';
import { roleChangeProblem } from './membership.js';

describe('membership role rules', () => {
  it('should let a tenant admin grant any tenant role', () => {
    for (const role of ['tenant_admin', 'operator', 'member', 'viewer'] as const)
      expect(
        roleChangeProblem({
          grantorRoles: ['tenant_admin'],
          newRole: role,
          tenantIsPlatform: false,
          otherAdmins: 1,
        }),
      ).toBeUndefined();
  });

  it('should forbid granting platform_admin unless the grantor is one, and only in the platform tenant', () => {
    expect(
      roleChangeProblem({
        grantorRoles: ['tenant_admin'],
        newRole: 'platform_admin',
        tenantIsPlatform: true,
        otherAdmins: 1,
      }),
    ).toMatchObject({ kind: 'forbidden', field: 'role' });
    expect(
      roleChangeProblem({
        grantorRoles: ['platform_admin'],
        newRole: 'platform_admin',
        tenantIsPlatform: false,
        otherAdmins: 1,
      }),
    ).toMatchObject({ kind: 'invalid', field: 'role' });
    expect(
      roleChangeProblem({
        grantorRoles: ['platform_admin'],
        newRole: 'platform_admin',
        tenantIsPlatform: true,
        otherAdmins: 1,
      }),
    ).toBeUndefined();
  });

  it('should forbid an operator or member from granting anything (no escalation)', () => {
    for (const grantor of ['operator', 'member', 'viewer'] as const)
      expect(
        roleChangeProblem({
          grantorRoles: [grantor],
          newRole: 'viewer',
          tenantIsPlatform: false,
          otherAdmins: 1,
        }),
      ).toMatchObject({ kind: 'forbidden' });
  });

  it('should forbid a tenant admin from demoting a platform admin', () => {
    expect(
      roleChangeProblem({
        grantorRoles: ['tenant_admin'],
        currentRole: 'platform_admin',
        newRole: 'viewer',
        tenantIsPlatform: true,
        otherAdmins: 3,
      }),
    ).toMatchObject({ kind: 'forbidden' });
  });

  it('should keep at least one admin when the last one is demoted or removed', () => {
    const last = {
      grantorRoles: ['tenant_admin'] as const,
      currentRole: 'tenant_admin' as const,
      tenantIsPlatform: false,
    };
    expect(roleChangeProblem({ ...last, newRole: 'member', otherAdmins: 0 })).toMatchObject({
      kind: 'conflict',
    });
    expect(roleChangeProblem({ ...last, otherAdmins: 0 })).toMatchObject({ kind: 'conflict' });
    expect(roleChangeProblem({ ...last, newRole: 'member', otherAdmins: 1 })).toBeUndefined();
    expect(roleChangeProblem({ ...last, currentRole: 'member', otherAdmins: 0 })).toBeUndefined();
  });
});
