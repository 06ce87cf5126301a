import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TenantScope, type Principal } from '@auraison/auth';
import { conflictField, notFound, TransactionRunner } from '@auraison/api-kit';
import { TenantEventRecorder } from '../../events/application/tenant-event.recorder.js';
import { TenantEventType } from '../../events/domain/tenant-event.js';
import { TenantRepository } from '../../tenants/persistence/tenant.repository.js';
import { roleChangeProblem, type Member, type MemberRole } from '../domain/membership.js';
import { AlreadyMember, MembershipRepository } from '../persistence/membership.repository.js';
import { UserRepository } from '../persistence/user.repository.js';
import { roleProblemException } from './role-problem.js';

export interface AddMemberCommand {
  email: string;
  displayName: string;
  role: MemberRole;
}

/**
 * POST /tenants/:id/users: creates the user when the email is new, otherwise adds the existing user;
 * the answer is the same either way, so it says nothing about other tenants.
 */
@Injectable()
export class AddMember {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly tenants: TenantRepository,
    private readonly users: UserRepository,
    private readonly members: MembershipRepository,
    private readonly events: TenantEventRecorder,
  ) {}

  async execute(principal: Principal, tenantId: string, command: AddMemberCommand): Promise<Member> {
    const scope = TenantScope.of(principal, tenantId);
    return this.transactions.run(async (tx) => {
      const tenant = await this.tenants.lock(scope, tx);
      if (!tenant) throw notFound('tenant');
      const problem = roleChangeProblem({
        grantorRoles: principal.roles,
        newRole: command.role,
        tenantIsPlatform: tenant.isPlatform,
        otherAdmins: 0,
      });
      if (problem) throw roleProblemException(problem);
      const userId = await this.users.findOrCreate(tx, {
        id: randomUUID(),
        email: command.email,
        displayName: command.displayName,
      });
      let member: Member;
      try {
        member = await this.members.add(scope, tx, userId, command.role);
      } catch (err) {
        if (err instanceof AlreadyMember)
          throw conflictField('email', 'this user is already a member of the tenant');
        throw err;
      }
      await this.events.record(tx, {
        type: TenantEventType.TENANT_EVENT_TYPE_MEMBERSHIP_CHANGED,
        tenant: await this.tenants.bumpRevision(scope, tx),
        actorId: principal.subject,
        membership: { userId, role: command.role },
      });
      return member;
    });
  }
}
