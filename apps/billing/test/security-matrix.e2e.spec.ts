// Every billing route, from its own route table, against no token, an expired token, each role and a
// foreign tenant's administrator: the outcomes the permission table predicts (libs/app-testing).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failures, runSecurityMatrix, type MatrixCell } from '@auraison/app-testing';
import { addTenant, bootBilling, type Billing } from './support/harness.js';

describe('billing security matrix (real PostgreSQL and NATS)', () => {
  let b: Billing;
  let cells: MatrixCell[];

  beforeAll(async () => {
    b = await bootBilling();
    const tenantId = await addTenant(b);
    const foreignTenantId = await addTenant(b);
    cells = await runSecurityMatrix({
      service: b.service,
      token: async (claims) => b.issuer.token(claims),
      tenantId,
      foreignTenantId,
    });
  }, 120_000);

  afterAll(async () => {
    await b?.close();
  });

  it('should cover every route with every kind of caller', () => {
    const routes = new Set(cells.map((c) => c.route));
    expect(routes.size).toBeGreaterThan(10);
    for (const route of routes) {
      const callers = cells.filter((c) => c.route === route).map((c) => c.caller);
      expect(callers).toEqual(expect.arrayContaining(['no token', 'expired token', 'viewer', 'service']));
    }
  });

  it('should answer every cell as the permission table says', () => {
    expect(failures(cells)).toEqual([]);
  });
});
