import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { canGrantRole, type Principal } from '@auraison/auth';
import {
  conflictField,
  forbiddenField,
  notFound,
  type Page,
  type PageRequest,
  TransactionRunner,
} from '@auraison/api-kit';
import { TenantEventRecorder } from '../../events/application/tenant-event.recorder.js';
import { ReadTenants } from '../../tenants/application/read-tenants.usecase.js';
import type { ServiceAccount, ServiceAccountRole } from '../domain/service-account.js';
import {
  DuplicateServiceAccountName,
  ServiceAccountRepository,
} from '../persistence/service-account.repository.js';

export interface CreateServiceAccountCommand {
  name: string;
  description: string;
  role: ServiceAccountRole;
}

/** Service accounts of a tenant: create, read, disable. Changes re-reconcile the tenant's RoleBindings. */
@Injectable()
export class ManageServiceAccounts {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly tenants: ReadTenants,
    private readonly accounts: ServiceAccountRepository,
    private readonly events: TenantEventRecorder,
  ) {}

  async create(
    principal: Principal,
    tenantId: string,
    command: CreateServiceAccountCommand,
  ): Promise<ServiceAccount> {
    const scope = await this.tenants.requireVisible(principal, tenantId);
    if (!canGrantRole(principal.roles, command.role))
      throw forbiddenField('role', `you may not grant the role ${command.role}`);
    try {
      return await this.transactions.run(async (tx) => {
        const account = await this.accounts.insert(scope, tx, { id: randomUUID(), ...command });
        this.events.afterCommit(tx, scope.tenantId);
        return account;
      });
    } catch (err) {
      if (err instanceof DuplicateServiceAccountName)
        throw conflictField('name', 'a service account with this name exists in the tenant');
      throw err;
    }
  }

  async list(principal: Principal, tenantId: string, page: PageRequest): Promise<Page<ServiceAccount>> {
    return this.accounts.list(await this.tenants.requireVisible(principal, tenantId), page);
  }

  async get(principal: Principal, tenantId: string, id: string): Promise<ServiceAccount> {
    const account = await this.accounts.get(await this.tenants.requireVisible(principal, tenantId), id);
    if (!account) throw notFound('service account');
    return account;
  }

  async disable(principal: Principal, tenantId: string, id: string): Promise<void> {
    const scope = await this.tenants.requireVisible(principal, tenantId);
    await this.transactions.run(async (tx) => {
      const account = await this.accounts.get(scope, id, tx);
      if (!account) throw notFound('service account');
      if (!canGrantRole(principal.roles, account.role))
        throw forbiddenField('role', `you may not disable a service account whose role is ${account.role}`);
      await this.accounts.disable(scope, tx, id);
      this.events.afterCommit(tx, scope.tenantId);
    });
  }
}
