// A tenant (an organisation) as the registry owns it: identity, status, Kubernetes namespace,
// allowed environments and quota configuration.
import type { EnvironmentName } from '@auraison/contracts';
import type { Decimal3 } from './decimal.js';

export const TENANT_STATUSES = ['active', 'suspended'] as const;
export type TenantStatusName = (typeof TENANT_STATUSES)[number];

/** Quota configuration per billing period, plus the Kubernetes capacity of the namespace. */
export interface Quota {
  gpuHoursPerPeriod: Decimal3;
  tokenBudgetPerPeriod: number;
  maxJobsInFlight: number;
  defaultMaxJobDurationS: number;
  /** Day of the month (1-28) a period starts on. */
  periodAnchorDay: number;
  maxGpus: number;
  cpuCores: Decimal3;
  memoryGib: Decimal3;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: TenantStatusName;
  k8sNamespace: string;
  allowedEnvironments: EnvironmentName[];
  quota: Quota;
  /** The tenant the bootstrap platform admin belongs to. */
  isPlatform: boolean;
  /** Incremented by every change, carried by every TenantEvent. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a new tenant gets when its creator gives no quota (the column defaults). */
export const DEFAULT_QUOTA: Quota = {
  gpuHoursPerPeriod: '0',
  tokenBudgetPerPeriod: 0,
  maxJobsInFlight: 0,
  defaultMaxJobDurationS: 3600,
  periodAnchorDay: 1,
  maxGpus: 0,
  cpuCores: '0',
  memoryGib: '0',
};

/** Bounds of every quota field (the database columns hold these). */
export const QUOTA_LIMITS = {
  gpuHoursPerPeriod: 1_000_000_000,
  tokenBudgetPerPeriod: Number.MAX_SAFE_INTEGER,
  maxJobsInFlight: 1_000_000,
  defaultMaxJobDurationS: 30 * 24 * 3600,
  maxGpus: 100_000,
  cpuCores: 1_000_000,
  memoryGib: 100_000_000,
} as const;
