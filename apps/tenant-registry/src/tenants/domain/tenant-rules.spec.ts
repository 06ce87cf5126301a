import { describe, expect, it } from '@jest/globals';
import { defaultNamespace, namespaceProblem } from './namespace.js';
import { quotaEquals } from './quota.js';
import { DEFAULT_QUOTA, type Tenant } from './tenant.js';
import { forbiddenPatchField, patchIsNoop, suspensionProblem } from './tenant-rules.js';

const tenant: Tenant = {
  id: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
  slug: 'acme',
  name: 'ACME',
  status: 'active',
  k8sNamespace: 'mp-acme',
  allowedEnvironments: ['torch.dev.gpu'],
  quota: DEFAULT_QUOTA,
  isPlatform: false,
  revision: 3,
  createdAt: new Date(),
  updatedAt: new Date(),
};

describe('tenant rules', () => {
  it('should let a tenant admin rename its tenant and nothing more', () => {
    expect(forbiddenPatchField({ name: 'New' }, false)).toBeUndefined();
    expect(forbiddenPatchField({ name: 'New', k8sNamespace: 'x' }, false)).toBe('k8s_namespace');
    expect(forbiddenPatchField({ allowedEnvironments: [] }, false)).toBe('allowed_environments');
    expect(forbiddenPatchField({ k8sNamespace: 'x', allowedEnvironments: [] }, true)).toBeUndefined();
  });

  it('should see a patch that changes nothing as a no-op (no event)', () => {
    expect(patchIsNoop(tenant, {})).toBe(true);
    expect(patchIsNoop(tenant, { name: 'ACME', allowedEnvironments: ['torch.dev.gpu'] })).toBe(true);
    expect(patchIsNoop(tenant, { name: 'Other' })).toBe(false);
    expect(patchIsNoop(tenant, { allowedEnvironments: ['ros.dev.gpu', 'torch.dev.gpu'] })).toBe(false);
  });

  it('should refuse to suspend the platform tenant', () => {
    expect(suspensionProblem(tenant)).toBeUndefined();
    expect(suspensionProblem({ ...tenant, isPlatform: true })).toMatch(/platform tenant/);
  });

  it('should derive mp-<slug> and refuse namespaces that are not DNS labels or belong to the cluster', () => {
    expect(defaultNamespace('acme')).toBe('mp-acme');
    expect(namespaceProblem('mp-acme')).toBeUndefined();
    for (const bad of ['kube-system', 'kube-anything', 'default', 'UPPER', '-x', 'x-', 'a'.repeat(64), 'a_b'])
      expect(namespaceProblem(bad)).toBeDefined();
  });

  it('should compare quotas by value', () => {
    expect(quotaEquals(DEFAULT_QUOTA, { ...DEFAULT_QUOTA, cpuCores: '0.000' })).toBe(true);
    expect(quotaEquals(DEFAULT_QUOTA, { ...DEFAULT_QUOTA, maxGpus: 1 })).toBe(false);
  });
});
