// Emergency lockdown, global (platform admins) or of one tenant (operators and tenant admins): the
// tool scope of every agent becomes empty and every admission is refused, on every replica within a
// second (see PolicyState), until it is lifted. Engaging and lifting are audited.
import { Injectable } from '@nestjs/common';
import type { Principal } from '@auraison/auth';
import { PolicyError } from '../../common/domain/policy-error.js';
import { TransactionRunner } from '@auraison/api-kit';
import { AuditRepository } from '../../audit/persistence/audit.repository.js';
import { PolicyState } from '../../policy/application/policy-state.js';
import { TenantAccess } from '../../policy/application/tenant-access.js';
import { LockdownRepository, type Lockdown } from '../persistence/lockdown.repository.js';

function reasonOf(reason: string): string {
  const r = reason.trim();
  if (r === '')
    throw PolicyError.invalid('reason', 'reason is required: say why, it is kept in the audit log');
  return r;
}

export interface LockdownStatus {
  global: Lockdown | undefined;
  tenant: Lockdown | undefined;
}

@Injectable()
export class Lockdowns {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: LockdownRepository,
    private readonly audit: AuditRepository,
    private readonly state: PolicyState,
    private readonly access: TenantAccess,
  ) {}

  async status(principal: Principal, tenantId: string | undefined): Promise<LockdownStatus> {
    const { scope } = await this.access.resolve(principal, tenantId);
    const [global, tenant] = await Promise.all([this.repository.global(), this.repository.forTenant(scope)]);
    return { global, tenant };
  }

  async engageGlobal(principal: Principal, reason: string): Promise<Lockdown> {
    return this.engage(principal, 'global', reasonOf(reason));
  }

  async liftGlobal(principal: Principal, reason: string): Promise<Lockdown | undefined> {
    return this.lift(principal, 'global', reasonOf(reason));
  }

  async engageTenant(principal: Principal, tenantId: string, reason: string): Promise<Lockdown> {
    const r = reasonOf(reason);
    const { scope } = await this.access.resolve(principal, tenantId);
    return this.engage(principal, { scope }, r);
  }

  async liftTenant(principal: Principal, tenantId: string, reason: string): Promise<Lockdown | undefined> {
    const r = reasonOf(reason);
    const { scope } = await this.access.resolve(principal, tenantId);
    return this.lift(principal, { scope }, r);
  }

  private async engage(
    principal: Principal,
    target: Parameters<LockdownRepository['engage']>[1],
    reason: string,
  ): Promise<Lockdown> {
    return this.transactions.run(async (tx) => {
      const { lockdown, created } = await this.repository.engage(tx, target, principal.subject, reason);
      if (!created) return lockdown;
      await this.audit.append(tx, {
        actorId: principal.subject,
        actorTenantId: principal.tenantId,
        tenantId: lockdown.tenantId,
        action: 'lockdown.engaged',
        target: lockdown.tenantId ? `tenant:${lockdown.tenantId}` : 'global',
        reason,
        detail: { version: lockdown.version },
      });
      await this.state.changed(tx);
      return lockdown;
    });
  }

  private async lift(
    principal: Principal,
    target: Parameters<LockdownRepository['lift']>[1],
    reason: string,
  ): Promise<Lockdown | undefined> {
    return this.transactions.run(async (tx) => {
      const lifted = await this.repository.lift(tx, target);
      if (!lifted) return undefined;
      await this.audit.append(tx, {
        actorId: principal.subject,
        actorTenantId: principal.tenantId,
        tenantId: lifted.tenantId,
        action: 'lockdown.lifted',
        target: lifted.tenantId ? `tenant:${lifted.tenantId}` : 'global',
        reason,
        detail: {
          engaged_version: lifted.version,
          engaged_at: lifted.engagedAt.toISOString(),
          engaged_reason: lifted.reason,
        },
      });
      await this.state.changed(tx);
      return lifted;
    });
  }
}
