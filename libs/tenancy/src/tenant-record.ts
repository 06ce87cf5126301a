// A tenant as other services see it: the full state carried by the latest TenantEvent.
import { environmentName, TenantStatus, type EnvironmentName, type TenantEvent } from '@auraison/contracts';

export interface TenantQuota {
  /** GPU-hours per period (at most three decimals). */
  gpuHoursPerPeriod: number;
  tokenBudgetPerPeriod: number;
  maxJobsInFlight: number;
  defaultMaxJobDurationS: number;
  /** Day of the month a period starts on (1 = calendar months, UTC). */
  periodAnchorDay: number;
  maxGpus: number;
  cpuCores: number;
  memoryGib: number;
}

export interface TenantRecord {
  tenantId: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
  k8sNamespace: string;
  allowedEnvironments: EnvironmentName[];
  quota: TenantQuota;
  /** Revision of the tenant in the registry; a projection never goes back to an older one. */
  revision: number;
}

export function tenantRecordFromEvent(event: TenantEvent): TenantRecord {
  const q = event.quota;
  return {
    tenantId: event.tenantId,
    slug: event.slug,
    name: event.name,
    status: event.status === TenantStatus.TENANT_STATUS_SUSPENDED ? 'suspended' : 'active',
    k8sNamespace: event.k8sNamespace,
    allowedEnvironments: event.allowedEnvironments
      .map(environmentName)
      .filter((n): n is EnvironmentName => n !== undefined),
    quota: {
      gpuHoursPerPeriod: q?.gpuHoursPerPeriod ?? 0,
      tokenBudgetPerPeriod: q?.tokenBudgetPerPeriod ?? 0,
      maxJobsInFlight: q?.maxJobsInFlight ?? 0,
      defaultMaxJobDurationS: q?.defaultMaxJobDurationS ?? 0,
      periodAnchorDay: q?.periodAnchorDay || 1,
      maxGpus: q?.maxGpus ?? 0,
      cpuCores: q?.cpuCores ?? 0,
      memoryGib: q?.memoryGib ?? 0,
    },
    revision: event.revision,
  };
}
