import { describe, expect, it } from '@jest/globals';
import type { Principal, Role } from '@auraison/auth';
import { expiryProblem, isCaller, keyManagementProblem, type ApiKeyOwner } from './api-key-record.js';

const me = '0a1b2c3d-4e5f-4a6b-9c8d-0123456789ab';
const other = '1a1b2c3d-4e5f-4a6b-9c8d-0123456789ab';
const principal = (role: Role, subjectType: Principal['subjectType'] = 'user'): Principal => ({
  subject: me,
  subjectType,
  tenantId: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
  roles: [role],
  platform: false,
  tokenId: 'jti',
  expiresAt: 0,
});
const mine: ApiKeyOwner = { kind: 'user', userId: me };
const theirs: ApiKeyOwner = { kind: 'user', userId: other };

describe('api key management rules', () => {
  it('should let members and operators manage their own keys only', () => {
    for (const role of ['member', 'operator'] as const) {
      expect(keyManagementProblem(principal(role), mine, role)).toBeUndefined();
      expect(keyManagementProblem(principal(role), theirs, 'viewer')).toMatch(/own/);
    }
  });

  it('should let a tenant admin manage anyone’s keys up to its own role', () => {
    expect(keyManagementProblem(principal('tenant_admin'), theirs, 'operator')).toBeUndefined();
    expect(
      keyManagementProblem(
        principal('tenant_admin'),
        { kind: 'service_account', serviceAccountId: other },
        'service',
      ),
    ).toBeUndefined();
    expect(keyManagementProblem(principal('tenant_admin'), theirs, 'platform_admin')).toMatch(
      /platform_admin/,
    );
  });

  it('should not mistake a user for a service account with the same id', () => {
    expect(isCaller({ kind: 'service_account', serviceAccountId: me }, principal('member'))).toBe(false);
    expect(
      isCaller({ kind: 'service_account', serviceAccountId: me }, principal('service', 'service_account')),
    ).toBe(true);
  });

  it('should refuse an expiry in the past', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(expiryProblem(undefined, now)).toBeUndefined();
    expect(expiryProblem(new Date('2026-01-02T00:00:00Z'), now)).toBeUndefined();
    expect(expiryProblem(new Date('2025-12-31T00:00:00Z'), now)).toMatch(/expires_at/);
  });
});
