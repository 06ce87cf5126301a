import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { EventsModule } from '../events/events.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { MembersController } from './api/members.controller.js';
import { AddMember } from './application/add-member.usecase.js';
import { ChangeMemberRole } from './application/change-member-role.usecase.js';
import { ReadMembers } from './application/read-members.usecase.js';
import { RemoveMember } from './application/remove-member.usecase.js';
import { MembershipRepository } from './persistence/membership.repository.js';
import { UserRepository } from './persistence/user.repository.js';

/** Users and their memberships (roles) in tenants. */
@Module({
  imports: [TenantsModule, EventsModule],
  controllers: [MembersController],
  providers: [
    TransactionRunner,
    UserRepository,
    MembershipRepository,
    AddMember,
    ReadMembers,
    ChangeMemberRole,
    RemoveMember,
  ],
  exports: [MembershipRepository],
})
export class UsersModule {}
