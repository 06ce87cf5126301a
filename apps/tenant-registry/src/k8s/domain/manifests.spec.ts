import { describe, expect, it } from '@jest/globals';
import { LimitRange, Namespace, ResourceQuota } from 'kubernetes-models/v1';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_QUOTA, type Tenant } from '../../tenants/domain/tenant.js';
import {
  cpuQuantity,
  FIELD_MANAGER,
  manifestsToYaml,
  memoryQuantity,
  renderTenantManifests,
  type KubernetesObject,
  type ManifestServiceAccount,
} from './manifests.js';

const tenant: Tenant = {
  id: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
  slug: 'acme',
  name: 'ACME Robotics',
  status: 'active',
  k8sNamespace: 'mp-acme',
  allowedEnvironments: ['torch.dev.gpu'],
  quota: { ...DEFAULT_QUOTA, maxGpus: 8, cpuCores: '64', memoryGib: '256' },
  isPlatform: false,
  revision: 4,
  createdAt: new Date(),
  updatedAt: new Date(),
};

const accounts: ManifestServiceAccount[] = [
  { id: '1a1b2c3d-4e5f-4a6b-9c8d-0123456789ab', name: 'watcher', role: 'viewer' },
  { id: '0a1b2c3d-4e5f-4a6b-9c8d-0123456789ab', name: 'control-plane', role: 'service' },
];

const byKind = (objects: KubernetesObject[], kind: string, name?: string): KubernetesObject =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name))!;

describe('tenant manifests', () => {
  const objects = renderTenantManifests({ tenant, serviceAccounts: accounts });

  it('should render the Namespace first, then the objects that live in it', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/mp-acme',
      'ResourceQuota/mp-tenant-quota',
      'LimitRange/mp-tenant-limits',
      'RoleBinding/mp-tenant-edit',
      'RoleBinding/mp-tenant-view',
    ]);
    for (const o of objects.slice(1)) expect(o.metadata.namespace).toBe('mp-acme');
  });

  it('should label every object with the tenant id and slug and the managing registry', () => {
    for (const o of objects)
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': FIELD_MANAGER,
        'auraison.io/tenant-id': tenant.id,
        'auraison.io/tenant-slug': 'acme',
      });
    expect(byKind(objects, 'Namespace').metadata.labels?.['auraison.io/tenant-status']).toBe('active');
  });

  it('should limit GPUs by requests only and CPU and memory by requests and limits', () => {
    expect(byKind(objects, 'ResourceQuota').spec).toEqual({
      hard: {
        'requests.nvidia.com/gpu': '8',
        'requests.cpu': '64',
        'limits.cpu': '64',
        'requests.memory': '256Gi',
        'limits.memory': '256Gi',
      },
    });
    expect(manifestsToYaml(objects)).not.toContain('limits.nvidia.com/gpu');
  });

  it('should give containers default requests and limits and cap GPUs per container', () => {
    expect(byKind(objects, 'LimitRange').spec).toEqual({
      limits: [
        {
          type: 'Container',
          default: { cpu: '1', memory: '2Gi' },
          defaultRequest: { cpu: '500m', memory: '1Gi' },
          max: { 'nvidia.com/gpu': '8' },
        },
      ],
    });
  });

  it('should cap the container defaults by a small quota and leave them out of a zero quota', () => {
    const small = renderTenantManifests({
      tenant: { ...tenant, quota: { ...tenant.quota, cpuCores: '0.25', memoryGib: '0.5' } },
      serviceAccounts: [],
    });
    expect(byKind(small, 'LimitRange').spec).toMatchObject({
      limits: [
        { default: { cpu: '250m', memory: '512Mi' }, defaultRequest: { cpu: '250m', memory: '512Mi' } },
      ],
    });
    const zero = renderTenantManifests({ tenant: { ...tenant, quota: DEFAULT_QUOTA }, serviceAccounts: [] });
    expect(byKind(zero, 'LimitRange').spec).toEqual({
      limits: [{ type: 'Container', max: { 'nvidia.com/gpu': '0' } }],
    });
    expect((byKind(zero, 'ResourceQuota').spec as { hard: object }).hard).toMatchObject({
      'requests.nvidia.com/gpu': '0',
      'requests.cpu': '0',
      'requests.memory': '0Gi',
    });
  });

  it('should admit no new pods in a suspended tenant', () => {
    const suspended = renderTenantManifests({
      tenant: { ...tenant, status: 'suspended' },
      serviceAccounts: [],
    });
    expect((byKind(suspended, 'ResourceQuota').spec as { hard: Record<string, string> }).hard.pods).toBe('0');
    expect(
      (byKind(objects, 'ResourceQuota').spec as { hard: Record<string, string> }).hard.pods,
    ).toBeUndefined();
  });

  it('should bind the tenant group and its service accounts to edit, viewers to view', () => {
    expect(byKind(objects, 'RoleBinding', 'mp-tenant-edit')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'mp:tenant:acme' },
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: `mp:sa:${accounts[1]!.id}` },
      ],
    });
    expect(byKind(objects, 'RoleBinding', 'mp-tenant-view')).toMatchObject({
      roleRef: { name: 'view' },
      subjects: [
        { kind: 'Group', name: 'mp:tenant:acme:viewers' },
        { kind: 'User', name: `mp:sa:${accounts[0]!.id}` },
      ],
    });
  });

  it('should write quantities Kubernetes accepts', () => {
    expect(cpuQuantity('4')).toBe('4');
    expect(cpuQuantity('2.5')).toBe('2500m');
    expect(cpuQuantity('0.001')).toBe('1m');
    expect(memoryQuantity('64')).toBe('64Gi');
    expect(memoryQuantity('1.5')).toBe('1536Mi');
    expect(memoryQuantity('0.001')).toBe('0.001Gi');
    const quantity = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
    for (const q of ['2500m', '1536Mi', '0.001Gi', '64Gi']) expect(q).toMatch(quantity);
  });

  it('should render YAML documents that parse back to the objects and pass the Kubernetes schemas', () => {
    const yaml = manifestsToYaml(objects);
    const docs = parseAllDocuments(yaml).map((d) => d.toJS() as KubernetesObject);
    expect(docs).toEqual(objects);
    const models = { Namespace, ResourceQuota, LimitRange, RoleBinding } as const;
    for (const doc of docs) {
      const Model = models[doc.kind as keyof typeof models];
      expect(() => new Model(doc as never).validate()).not.toThrow();
    }
  });
});
