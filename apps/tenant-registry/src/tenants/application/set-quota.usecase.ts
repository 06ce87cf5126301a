import { Injectable } from '@nestjs/common';
import { TenantScope, type Principal } from '@auraison/auth';
import { notFound, TransactionRunner } from '@auraison/api-kit';
import { TenantEventRecorder } from '../../events/application/tenant-event.recorder.js';
import { TenantEventType } from '../../events/domain/tenant-event.js';
import { quotaEquals } from '../domain/quota.js';
import type { Quota, Tenant } from '../domain/tenant.js';
import { TenantRepository } from '../persistence/tenant.repository.js';

/** PUT /tenants/:id/quota (platform admins): replaces the quota; TENANT_EVENT_TYPE_QUOTA_CHANGED. */
@Injectable()
export class SetQuota {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly tenants: TenantRepository,
    private readonly events: TenantEventRecorder,
  ) {}

  async execute(principal: Principal, tenantId: string, quota: Quota): Promise<Tenant> {
    const scope = TenantScope.of(principal, tenantId);
    return this.transactions.run(async (tx) => {
      const current = await this.tenants.lock(scope, tx);
      if (!current) throw notFound('tenant');
      if (quotaEquals(current.quota, quota)) return current;
      const tenant = await this.tenants.setQuota(scope, tx, quota);
      await this.events.record(tx, {
        type: TenantEventType.TENANT_EVENT_TYPE_QUOTA_CHANGED,
        tenant,
        actorId: principal.subject,
      });
      return tenant;
    });
  }
}
