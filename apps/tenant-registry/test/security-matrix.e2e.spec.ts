// Every tenant-registry route, from its own route table, against no token, an expired token, each role,
// the platform's service account and a foreign tenant's administrator: the outcomes the permission
// table predicts (libs/app-testing).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  bootTestService,
  failures,
  runSecurityMatrix,
  type BootedService,
  type MatrixCell,
} from '@auraison/app-testing';
import { TokenIssuer } from '../src/auth/application/token-issuer.service.js';
import { tenantRegistryService } from '../src/service.js';
import { Seeder } from './support/seed.js';

describe('tenant-registry security matrix (real PostgreSQL and NATS)', () => {
  let service: BootedService;
  let cells: MatrixCell[];

  beforeAll(async () => {
    service = await bootTestService(tenantRegistryService);
    const seeder = new Seeder(service);
    const issuer = service.app.get(TokenIssuer);
    const tenant = await seeder.tenant();
    const foreign = await seeder.tenant();
    const platform = await seeder.platformTenant();
    cells = await runSecurityMatrix({
      service,
      token: async ({ tenantId, roles, ttlSeconds, platform: isPlatform }) =>
        (
          await issuer.issue(
            {
              subject: randomUUID(),
              subjectType: roles.includes('service') ? 'service_account' : 'user',
              tenantId,
              roles,
              ...(isPlatform ? { platform: true } : {}),
            },
            ttlSeconds,
          )
        ).accessToken,
      tenantId: tenant.id,
      foreignTenantId: foreign.id,
      platformTenantId: platform.id,
    });
  }, 120_000);

  afterAll(async () => {
    await service?.close();
  });

  it('should cover every route with every kind of caller', () => {
    const routes = new Set(cells.map((c) => c.route));
    expect(routes.size).toBeGreaterThan(15);
    for (const route of routes) {
      const callers = cells.filter((c) => c.route === route).map((c) => c.caller);
      expect(callers).toEqual(
        expect.arrayContaining(['no token', 'expired token', 'tenant_admin', 'viewer', 'platform service']),
      );
    }
  });

  it('should answer every cell as the permission table says', () => {
    expect(failures(cells)).toEqual([]);
  });
});
