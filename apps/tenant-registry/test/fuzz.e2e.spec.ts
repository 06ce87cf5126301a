// Property-based fuzzing of the tenant registry's HTTP edge (libs/app-testing, fast-check): no body or
// query, with or without the right field names, makes it answer 5xx.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootTestService, fuzzHttp, type BootedService } from '@auraison/app-testing';
import { TokenIssuer } from '../src/auth/application/token-issuer.service.js';
import { tenantRegistryService } from '../src/service.js';
import { Seeder } from './support/seed.js';

describe('tenant-registry under fuzzed input (real PostgreSQL and NATS)', () => {
  let service: BootedService;

  beforeAll(async () => {
    service = await bootTestService(tenantRegistryService, { env: { LOG_LEVEL: 'error' } });
  }, 60_000);

  afterAll(async () => {
    await service?.close();
  });

  it('should never answer 5xx to any body or query', async () => {
    const seeder = new Seeder(service);
    const platform = await seeder.platformTenant();
    const tenant = await seeder.tenant();
    const { accessToken } = await service.app.get(TokenIssuer).issue({
      subject: randomUUID(),
      subjectType: 'user',
      tenantId: platform.id,
      roles: ['platform_admin'],
      platform: true,
    });
    const result = await fuzzHttp({
      service,
      authorization: `Bearer ${accessToken}`,
      tenantId: tenant.id,
      runs: 25,
    });
    expect(result.requests).toBeGreaterThan(result.routes * 8);
    expect(result.failures).toEqual([]);
  }, 180_000);
});
