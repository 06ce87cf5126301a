import { Injectable } from '@nestjs/common';
import { ROLE_PERMISSIONS, TenantScope, type Permission, type Principal } from '@auraison/auth';
import { notFound } from '@auraison/api-kit';
import { ServiceAccountRepository } from '../../service-accounts/persistence/service-account.repository.js';
import type { Tenant } from '../../tenants/domain/tenant.js';
import { TenantRepository } from '../../tenants/persistence/tenant.repository.js';
import { MembershipRepository } from '../../users/persistence/membership.repository.js';

export interface Caller {
  principal: Principal;
  tenant: Tenant;
  /** Email and name (users) or account name (service accounts). */
  email: string | null;
  displayName: string;
  permissions: Permission[];
}

/** GET /me: who the token belongs to, in which tenant, with which roles and permissions. */
@Injectable()
export class DescribeCaller {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly members: MembershipRepository,
    private readonly accounts: ServiceAccountRepository,
  ) {}

  async execute(principal: Principal): Promise<Caller> {
    const scope = TenantScope.of(principal);
    const tenant = await this.tenants.get(scope);
    if (!tenant) throw notFound('tenant');
    let email: string | null;
    let displayName: string;
    if (principal.subjectType === 'user') {
      const member = await this.members.get(scope, principal.subject);
      email = member?.email ?? null;
      displayName = member?.displayName ?? '';
    } else {
      email = null;
      displayName = (await this.accounts.get(scope, principal.subject))?.name ?? '';
    }
    const permissions = [...new Set(principal.roles.flatMap((r) => ROLE_PERMISSIONS[r]))].sort();
    return { principal, tenant, email, displayName, permissions };
  }
}
