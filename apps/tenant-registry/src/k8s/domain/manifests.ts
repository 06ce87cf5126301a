// What a tenant is in Kubernetes: its Namespace, a ResourceQuota and LimitRange from its quota
// configuration, and RoleBindings for its people and service accounts. Pure: no client, no I/O.
//
// GPU quota: extended resources can only be limited by requests (`requests.nvidia.com/gpu`); a
// `limits.nvidia.com/gpu` entry is invalid in a ResourceQuota, so it never appears here.
import { stringify } from 'yaml';
import { toMilli } from '../../tenants/domain/decimal.js';
import type { Decimal3 } from '../../tenants/domain/decimal.js';
import type { Tenant } from '../../tenants/domain/tenant.js';

/** Manager name of server-side apply and value of app.kubernetes.io/managed-by. */
export const FIELD_MANAGER = 'auraison-tenant-registry';
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** Default container requests and limits (capped by the namespace quota). */
export const CONTAINER_DEFAULTS = {
  requestCpuMilli: 500n,
  requestMemoryMilliGib: 1000n, // 1 GiB
  limitCpuMilli: 1000n,
  limitMemoryMilliGib: 2000n, // 2 GiB
} as const;

/**
 * ClusterRoles the tenant's subjects are bound to: the built-in `edit` (create and manage workloads such
 * as RayJobs in the namespace, no RBAC changes) and `view`.
 */
export const EDIT_CLUSTER_ROLE = 'edit';
export const VIEW_CLUSTER_ROLE = 'view';

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface ManifestServiceAccount {
  id: string;
  name: string;
  role: 'service' | 'viewer' | 'operator';
}

export interface ManifestInput {
  tenant: Tenant;
  /** Enabled service accounts of the tenant. */
  serviceAccounts: readonly ManifestServiceAccount[];
}

/** The group a cluster's authenticator puts a tenant's members in. */
export const tenantGroup = (slug: string): string => `mp:tenant:${slug}`;
/** The group of a tenant's read-only members. */
export const tenantViewerGroup = (slug: string): string => `mp:tenant:${slug}:viewers`;
/** The user name a cluster's authenticator gives a registry service account (its token's `sub`). */
export const serviceAccountUser = (id: string): string => `mp:sa:${id}`;

/** CPU cores as a Kubernetes quantity: "4", "2500m". */
export function cpuQuantity(cores: Decimal3): string {
  const milli = toMilli(cores);
  return milli % 1000n === 0n ? `${milli / 1000n}` : `${milli}m`;
}

/** GiB as a Kubernetes quantity: "64Gi", "1536Mi", or a decimal "0.001Gi" when neither is whole. */
export function memoryQuantity(gib: Decimal3): string {
  return memoryFromMilliGib(toMilli(gib));
}

function memoryFromMilliGib(milli: bigint): string {
  if (milli % 1000n === 0n) return `${milli / 1000n}Gi`;
  if ((milli * 1024n) % 1000n === 0n) return `${(milli * 1024n) / 1000n}Mi`;
  const fraction = (milli % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  return `${milli / 1000n}.${fraction}Gi`;
}

function cpuFromMilli(milli: bigint): string {
  return milli % 1000n === 0n ? `${milli / 1000n}` : `${milli}m`;
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

function labels(tenant: Tenant): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': FIELD_MANAGER,
    'auraison.io/tenant-id': tenant.id,
    'auraison.io/tenant-slug': tenant.slug,
  };
}

function metadata(tenant: Tenant, name: string): KubernetesObject['metadata'] {
  return { name, namespace: tenant.k8sNamespace, labels: labels(tenant) };
}

export function renderTenantManifests(input: ManifestInput): KubernetesObject[] {
  const { tenant } = input;
  const q = tenant.quota;
  const cpuMilli = toMilli(q.cpuCores);
  const memoryMilliGib = toMilli(q.memoryGib);

  const namespace: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: tenant.k8sNamespace,
      labels: { ...labels(tenant), 'auraison.io/tenant-status': tenant.status },
      annotations: {
        'auraison.io/tenant-name': tenant.name,
        'auraison.io/tenant-revision': String(tenant.revision),
      },
    },
  };

  const hard: Record<string, string> = {
    [`requests.${GPU_RESOURCE}`]: String(q.maxGpus),
    'requests.cpu': cpuQuantity(q.cpuCores),
    'limits.cpu': cpuQuantity(q.cpuCores),
    'requests.memory': memoryQuantity(q.memoryGib),
    'limits.memory': memoryQuantity(q.memoryGib),
  };
  // A suspended tenant's namespace admits no new pods; running ones are left to the platform's jobs.
  if (tenant.status === 'suspended') hard.pods = '0';
  const resourceQuota: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: metadata(tenant, 'mp-tenant-quota'),
    spec: { hard },
  };

  // With cpu/memory quotas every container must state requests and limits: these defaults fill them
  // in, capped by the quota (and left out when the quota is zero, where nothing can be admitted).
  const defaults: Record<string, string> = {};
  const defaultRequest: Record<string, string> = {};
  if (cpuMilli > 0n) {
    defaults.cpu = cpuFromMilli(min(CONTAINER_DEFAULTS.limitCpuMilli, cpuMilli));
    defaultRequest.cpu = cpuFromMilli(min(CONTAINER_DEFAULTS.requestCpuMilli, cpuMilli));
  }
  if (memoryMilliGib > 0n) {
    defaults.memory = memoryFromMilliGib(min(CONTAINER_DEFAULTS.limitMemoryMilliGib, memoryMilliGib));
    defaultRequest.memory = memoryFromMilliGib(min(CONTAINER_DEFAULTS.requestMemoryMilliGib, memoryMilliGib));
  }
  const limitRange: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: metadata(tenant, 'mp-tenant-limits'),
    spec: {
      limits: [
        {
          type: 'Container',
          ...(Object.keys(defaults).length > 0 ? { default: defaults } : {}),
          ...(Object.keys(defaultRequest).length > 0 ? { defaultRequest } : {}),
          max: { [GPU_RESOURCE]: String(q.maxGpus) },
        },
      ],
    },
  };

  const accounts = [...input.serviceAccounts].sort((a, b) => a.name.localeCompare(b.name));
  const user = (sa: ManifestServiceAccount) => ({
    kind: 'User',
    apiGroup: 'rbac.authorization.k8s.io',
    name: serviceAccountUser(sa.id),
  });
  const group = (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
  const binding = (name: string, clusterRole: string, subjects: object[]): KubernetesObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: metadata(tenant, name),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
    subjects,
  });

  return [
    namespace,
    resourceQuota,
    limitRange,
    binding('mp-tenant-edit', EDIT_CLUSTER_ROLE, [
      group(tenantGroup(tenant.slug)),
      ...accounts.filter((sa) => sa.role !== 'viewer').map(user),
    ]),
    binding('mp-tenant-view', VIEW_CLUSTER_ROLE, [
      group(tenantViewerGroup(tenant.slug)),
      ...accounts.filter((sa) => sa.role === 'viewer').map(user),
    ]),
  ];
}

/** Multi-document YAML (`kubectl apply -f -` ready). */
export function manifestsToYaml(objects: readonly KubernetesObject[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
}
