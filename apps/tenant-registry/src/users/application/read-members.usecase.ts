import { Injectable } from '@nestjs/common';
import type { Principal } from '@auraison/auth';
import { notFound, type Page, type PageRequest } from '@auraison/api-kit';
import { ReadTenants } from '../../tenants/application/read-tenants.usecase.js';
import type { Member } from '../domain/membership.js';
import { MembershipRepository } from '../persistence/membership.repository.js';

@Injectable()
export class ReadMembers {
  constructor(
    private readonly tenants: ReadTenants,
    private readonly members: MembershipRepository,
  ) {}

  async list(principal: Principal, tenantId: string, page: PageRequest): Promise<Page<Member>> {
    return this.members.list(await this.tenants.requireVisible(principal, tenantId), page);
  }

  async get(principal: Principal, tenantId: string, userId: string): Promise<Member> {
    const member = await this.members.get(await this.tenants.requireVisible(principal, tenantId), userId);
    if (!member) throw notFound('user');
    return member;
  }
}
