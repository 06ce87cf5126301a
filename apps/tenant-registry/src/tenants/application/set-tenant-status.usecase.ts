import { Injectable } from '@nestjs/common';
import { TenantScope, type Principal } from '@auraison/auth';
import { conflictField, notFound, TransactionRunner } from '@auraison/api-kit';
import { TenantEventRecorder } from '../../events/application/tenant-event.recorder.js';
import { TenantEventType } from '../../events/domain/tenant-event.js';
import type { Tenant, TenantStatusName } from '../domain/tenant.js';
import { suspensionProblem } from '../domain/tenant-rules.js';
import { TenantRepository } from '../persistence/tenant.repository.js';

/**
 * Suspends or reactivates a tenant (platform admins). Asking for the status a tenant already has
 * changes nothing and publishes nothing, so retries are safe.
 */
@Injectable()
export class SetTenantStatus {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly tenants: TenantRepository,
    private readonly events: TenantEventRecorder,
  ) {}

  async execute(principal: Principal, tenantId: string, status: TenantStatusName): Promise<Tenant> {
    const scope = TenantScope.of(principal, tenantId);
    return this.transactions.run(async (tx) => {
      const current = await this.tenants.lock(scope, tx);
      if (!current) throw notFound('tenant');
      if (current.status === status) return current;
      const problem = status === 'suspended' ? suspensionProblem(current) : undefined;
      if (problem) throw conflictField(undefined, problem);
      const tenant = await this.tenants.setStatus(scope, tx, status);
      await this.events.record(tx, {
        type:
          status === 'suspended'
            ? TenantEventType.TENANT_EVENT_TYPE_SUSPENDED
            : TenantEventType.TENANT_EVENT_TYPE_REACTIVATED,
        tenant,
        actorId: principal.subject,
      });
      return tenant;
    });
  }
}
