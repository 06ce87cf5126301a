// Service accounts: non-human principals of a tenant (the control plane's and user plane's callers).

export const SERVICE_ACCOUNT_ROLES = ['service', 'viewer', 'operator'] as const;
export type ServiceAccountRole = (typeof SERVICE_ACCOUNT_ROLES)[number];

export const SERVICE_ACCOUNT_NAME = /^[a-z][a-z0-9-]{1,62}$/;

export interface ServiceAccount {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  role: ServiceAccountRole;
  /** Set when disabled; a disabled account's keys are revoked and no new ones can be made. */
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
