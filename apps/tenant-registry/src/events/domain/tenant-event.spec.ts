import { describe, expect, it } from '@jest/globals';
import { Environment, TenantEventMessage, TenantStatus } from '@auraison/contracts';
import { DEFAULT_QUOTA, type Tenant } from '../../tenants/domain/tenant.js';
import { tenantEvent, TenantEventType } from './tenant-event.js';

const tenant: Tenant = {
  id: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
  slug: 'acme',
  name: 'ACME',
  status: 'suspended',
  k8sNamespace: 'mp-acme',
  allowedEnvironments: ['ros.dev.gpu', 'torch.dev.gpu'],
  quota: { ...DEFAULT_QUOTA, gpuHoursPerPeriod: '12.5', tokenBudgetPerPeriod: 1000, periodAnchorDay: 15 },
  isPlatform: false,
  revision: 7,
  createdAt: new Date(),
  updatedAt: new Date(),
};

describe('TenantEvent from a tenant change', () => {
  it('should carry the full state, revision and actor, and be a valid contract message', () => {
    const event = tenantEvent(
      {
        type: TenantEventType.TENANT_EVENT_TYPE_SUSPENDED,
        tenant,
        actorId: '0a1b2c3d-4e5f-4a6b-9c8d-0123456789ab',
      },
      'e1',
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(event).toMatchObject({
      eventId: 'e1',
      tenantId: tenant.id,
      slug: 'acme',
      status: TenantStatus.TENANT_STATUS_SUSPENDED,
      k8sNamespace: 'mp-acme',
      allowedEnvironments: [Environment.ENVIRONMENT_ROS_DEV_GPU, Environment.ENVIRONMENT_TORCH_DEV_GPU],
      quota: {
        gpuHoursPerPeriod: 12.5,
        tokenBudgetPerPeriod: 1000,
        periodAnchorDay: 15,
        maxGpus: DEFAULT_QUOTA.maxGpus,
        cpuCores: Number(DEFAULT_QUOTA.cpuCores),
        memoryGib: Number(DEFAULT_QUOTA.memoryGib),
      },
      revision: 7,
    });
    expect(event.userId).toBeUndefined();
    expect(TenantEventMessage.validate(TenantEventMessage.decode(TenantEventMessage.encode(event)))).toEqual(
      [],
    );
  });

  it('should name the user and role of a membership change (empty role when removed)', () => {
    const userId = '1a1b2c3d-4e5f-4a6b-9c8d-0123456789ab';
    const event = tenantEvent(
      {
        type: TenantEventType.TENANT_EVENT_TYPE_MEMBERSHIP_CHANGED,
        tenant,
        actorId: userId,
        membership: { userId, role: '' },
      },
      'e2',
      new Date(),
    );
    expect(event).toMatchObject({ userId, role: '' });
  });
});
