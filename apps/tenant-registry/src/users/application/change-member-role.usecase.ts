import { Injectable } from '@nestjs/common';
import { TenantScope, type Principal } from '@auraison/auth';
import { notFound, TransactionRunner } from '@auraison/api-kit';
import { TenantEventRecorder } from '../../events/application/tenant-event.recorder.js';
import { TenantEventType } from '../../events/domain/tenant-event.js';
import { TenantRepository } from '../../tenants/persistence/tenant.repository.js';
import { roleChangeProblem, type Member, type MemberRole } from '../domain/membership.js';
import { MembershipRepository } from '../persistence/membership.repository.js';
import { roleProblemException } from './role-problem.js';

/** PATCH /tenants/:id/users/:userId: no escalation, and the tenant keeps an admin. */
@Injectable()
export class ChangeMemberRole {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly tenants: TenantRepository,
    private readonly members: MembershipRepository,
    private readonly events: TenantEventRecorder,
  ) {}

  async execute(principal: Principal, tenantId: string, userId: string, role: MemberRole): Promise<Member> {
    const scope = TenantScope.of(principal, tenantId);
    return this.transactions.run(async (tx) => {
      // The tenant row lock serializes membership changes, so two admins cannot demote each other at once.
      const tenant = await this.tenants.lock(scope, tx);
      if (!tenant) throw notFound('tenant');
      const current = await this.members.get(scope, userId, tx);
      if (!current) throw notFound('user');
      if (current.role === role) return current;
      const problem = roleChangeProblem({
        grantorRoles: principal.roles,
        currentRole: current.role,
        newRole: role,
        tenantIsPlatform: tenant.isPlatform,
        otherAdmins: await this.members.otherAdmins(scope, tx, userId),
      });
      if (problem) throw roleProblemException(problem);
      const member = await this.members.setRole(scope, tx, userId, role);
      await this.events.record(tx, {
        type: TenantEventType.TENANT_EVENT_TYPE_MEMBERSHIP_CHANGED,
        tenant: await this.tenants.bumpRevision(scope, tx),
        actorId: principal.subject,
        membership: { userId, role },
      });
      return member;
    });
  }
}
