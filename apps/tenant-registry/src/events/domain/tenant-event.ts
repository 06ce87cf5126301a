// The TenantEvent announcing a change: the tenant's full state after it, so consumers can upsert from
// the event alone and ignore stale ones by revision.
import {
  environmentFromName,
  TenantEventType,
  TenantStatus,
  type Environment,
  type TenantEvent,
} from '@auraison/contracts';
import { decimalToNumber } from '../../tenants/domain/decimal.js';
import type { Tenant, TenantStatusName } from '../../tenants/domain/tenant.js';

export { TenantEventType };

export interface TenantChange {
  type: TenantEventType;
  /** The tenant after the change (its revision already incremented). */
  tenant: Tenant;
  /** User or service account that made the change. */
  actorId: string;
  /** For membership changes: the user and the role after the change ('' when removed). */
  membership?: { userId: string; role: string };
}

const STATUS: Record<TenantStatusName, TenantStatus> = {
  active: TenantStatus.TENANT_STATUS_ACTIVE,
  suspended: TenantStatus.TENANT_STATUS_SUSPENDED,
};

export function tenantEvent(change: TenantChange, eventId: string, timestamp: Date): TenantEvent {
  const { tenant } = change;
  return {
    eventId,
    timestamp,
    type: change.type,
    tenantId: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    status: STATUS[tenant.status],
    k8sNamespace: tenant.k8sNamespace,
    allowedEnvironments: tenant.allowedEnvironments
      .map((name) => environmentFromName(name))
      .filter((e): e is Environment => e !== undefined),
    quota: {
      gpuHoursPerPeriod: decimalToNumber(tenant.quota.gpuHoursPerPeriod),
      tokenBudgetPerPeriod: tenant.quota.tokenBudgetPerPeriod,
      maxJobsInFlight: tenant.quota.maxJobsInFlight,
      defaultMaxJobDurationS: tenant.quota.defaultMaxJobDurationS,
      periodAnchorDay: tenant.quota.periodAnchorDay,
      maxGpus: tenant.quota.maxGpus,
      cpuCores: decimalToNumber(tenant.quota.cpuCores),
      memoryGib: decimalToNumber(tenant.quota.memoryGib),
    },
    actorId: change.actorId,
    ...(change.membership ? { userId: change.membership.userId, role: change.membership.role } : {}),
    revision: tenant.revision,
  };
}
