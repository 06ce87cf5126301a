import { Injectable } from '@nestjs/common';
import { TenantScope, type Principal } from '@auraison/auth';
import { notFound, TransactionRunner } from '@auraison/api-kit';
import { TenantEventRecorder } from '../../events/application/tenant-event.recorder.js';
import { TenantEventType } from '../../events/domain/tenant-event.js';
import { TenantRepository } from '../../tenants/persistence/tenant.repository.js';
import { roleChangeProblem } from '../domain/membership.js';
import { MembershipRepository } from '../persistence/membership.repository.js';
import { roleProblemException } from './role-problem.js';

/** DELETE /tenants/:id/users/:userId: removes the membership (the user stays, in other tenants too). */
@Injectable()
export class RemoveMember {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly tenants: TenantRepository,
    private readonly members: MembershipRepository,
    private readonly events: TenantEventRecorder,
  ) {}

  async execute(principal: Principal, tenantId: string, userId: string): Promise<void> {
    const scope = TenantScope.of(principal, tenantId);
    await this.transactions.run(async (tx) => {
      const tenant = await this.tenants.lock(scope, tx);
      if (!tenant) throw notFound('tenant');
      const current = await this.members.get(scope, userId, tx);
      if (!current) throw notFound('user');
      const problem = roleChangeProblem({
        grantorRoles: principal.roles,
        currentRole: current.role,
        tenantIsPlatform: tenant.isPlatform,
        otherAdmins: await this.members.otherAdmins(scope, tx, userId),
      });
      if (problem) throw roleProblemException(problem);
      await this.members.remove(scope, tx, userId);
      await this.events.record(tx, {
        type: TenantEventType.TENANT_EVENT_TYPE_MEMBERSHIP_CHANGED,
        tenant: await this.tenants.bumpRevision(scope, tx),
        actorId: principal.subject,
        membership: { userId, role: '' },
      });
    });
  }
}
