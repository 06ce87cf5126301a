// Cross-tenant reads through every query endpoint: another tenant's id in ?tenant_id= answers 404,
// and another tenant's job, session or event ids under one's own tenant find nothing (404 or empty).
// Nothing of tenant A may ever appear in a response to tenant B.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listHandlers } from '@auraison/auth';
import type { TestRole } from '@auraison/testing';
import { startHarness, type Harness } from './support/harness.js';
import { buildWorld, type World } from './support/world.js';

/** Every GET endpoint with placeholders: A = the victim's ids, TENANT = the tenant queried. */
const ENDPOINTS: Array<{ path: string; role: TestRole }> = [
  { path: '/api/v1/events?tenant_id=TENANT', role: 'viewer' },
  { path: '/api/v1/events?tenant_id=TENANT&job_id=A_JOB', role: 'viewer' },
  { path: '/api/v1/events?tenant_id=TENANT&session_id=A_SESSION', role: 'viewer' },
  { path: '/api/v1/jobs/A_JOB/trace?tenant_id=TENANT', role: 'viewer' },
  { path: '/api/v1/sessions/A_SESSION/replay?tenant_id=TENANT', role: 'viewer' },
  { path: '/api/v1/decisions/search?q=pip&tenant_id=TENANT', role: 'viewer' },
  { path: '/api/v1/tool-calls?tenant_id=TENANT', role: 'service' },
  { path: '/api/v1/safety/actuations?tenant_id=TENANT', role: 'operator' },
  { path: '/api/v1/evaluations?tenant_id=TENANT', role: 'viewer' },
  { path: '/api/v1/audit/verify?tenant_id=TENANT', role: 'operator' },
  { path: '/api/v1/audit/head?tenant_id=TENANT', role: 'operator' },
];

describe('tenant isolation (real PostgreSQL and NATS)', () => {
  let h: Harness;
  let a: World;
  let b: World;
  let footprint: string[];

  beforeAll(async () => {
    h = await startHarness();
    a = await buildWorld(h);
    b = await buildWorld(h);
    footprint = [
      a.tenant,
      a.jobJ,
      a.jobK,
      a.s1,
      a.s2,
      a.traceT,
      ...Object.values(a.agents).map((e) => e.eventId),
    ];
  });

  afterAll(async () => {
    await h?.close();
  });

  const unfill = (path: string): string =>
    path.replace('A_JOB', ':job_id').replace('A_SESSION', ':session_id');
  const fill = (path: string, tenant: string): string =>
    path.replace('TENANT', tenant).replace('A_JOB', a.jobJ).replace('A_SESSION', a.s1);

  it('should cover every route of the service', () => {
    const routes = listHandlers(h.service.app)
      .filter((r) => r.kind === 'http' && r.route.includes('/api/v1/'))
      .map((r) => r.route.replace(/^GET /, ''));
    expect(routes.sort()).toEqual(
      [...new Set(ENDPOINTS.map((e) => e.path.split('?')[0]!))].map(unfill).sort(),
    );
    for (const route of routes) {
      const pattern = route.replace(':job_id', 'A_JOB').replace(':session_id', 'A_SESSION');
      expect({ route, covered: ENDPOINTS.some((e) => e.path.split('?')[0] === pattern) }).toEqual({
        route,
        covered: true,
      });
    }
  });

  it.each(ENDPOINTS)('should answer 404 when tenant B asks for tenant A: $path', async ({ path, role }) => {
    const res = await h.service.http.get(fill(path, a.tenant)).set(await h.auth(b.tenant, role));
    expect(res.status).toBe(404);
    for (const secret of footprint) expect(res.text).not.toContain(secret);
  });

  it.each(ENDPOINTS)(
    "should find none of tenant A's data under tenant B's own scope: $path",
    async ({ path, role }) => {
      const res = await h.service.http.get(fill(path, b.tenant)).set(await h.auth(b.tenant, role));
      expect([200, 404]).toContain(res.status);
      for (const secret of footprint) expect(res.text).not.toContain(secret);
    },
  );

  it.each(ENDPOINTS)('should let a platform admin read tenant A: $path', async ({ path }) => {
    const platform = await h.addTenant();
    const res = await h.service.http.get(fill(path, a.tenant)).set(await h.auth(platform, 'platform_admin'));
    expect(res.status).toBe(200);
  });

  it('should list platform-wide evaluations to platform admins only', async () => {
    const tenantAdmin = await h.service.http
      .get('/api/v1/evaluations?platform_wide=true')
      .set(await h.auth(b.tenant, 'tenant_admin'));
    expect(tenantAdmin.status).toBe(404);
    const admin = await h.service.http
      .get('/api/v1/evaluations?platform_wide=true')
      .set(await h.auth(b.tenant, 'platform_admin'));
    expect(admin.status).toBe(200);
  });
});
