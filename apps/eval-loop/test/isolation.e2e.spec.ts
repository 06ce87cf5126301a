// Tenant isolation and access control on every endpoint (real PostgreSQL and NATS): another tenant's
// runs, summaries, signals, rules and alerts, named in the path, the query or the body, answer exactly
// like ids that do not exist (404) and leak nothing; every route declares its permission, roles
// without it are refused, callers without a token too.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listHandlers } from '@auraison/auth';
import type { TestRole } from '@auraison/testing';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { jobs } from './support/jobs.js';

type Method = 'get' | 'post' | 'put' | 'delete';

interface World {
  tenant: string;
  runId: string;
  ruleId: string;
  ruleName: string;
  alertId: string;
}

const RULE = {
  metric: 'failure_rate',
  direction: 'above',
  threshold: 0.1,
  min_sample_size: 10,
  severity: 'warning',
};

describe('tenant isolation and access (real PostgreSQL and NATS)', () => {
  let h: Harness;
  let a: World;
  let b: World;

  async function world(): Promise<World> {
    const tenant = await h.tenant();
    const admin = await h.auth(tenant, 'tenant_admin');
    const ruleName = `rule-${tenant.slice(0, 8)}`;
    const rule = await h.service.http
      .post('/api/v1/eval/alert-rules')
      .set(admin)
      .send({
        ...RULE,
        name: ruleName,
        webhook_url: 'http://127.0.0.1:9/hook',
        webhook_secret: 'a-secret-of-16-chars',
      });
    expect(rule.status).toBe(201);
    const g = jobs({ tenantId: tenant, count: 20, failed: 10, role: `role-${tenant.slice(0, 6)}` });
    h.stub.addExecutions(g.executions);
    h.stub.addAgents(g.agents);
    const run = await h.runNow(tenant);
    const alerts = await eventually('firing alert', async () => {
      const res = await h.service.http.get('/api/v1/eval/alerts').set(admin);
      return res.body.items?.length ? (res.body.items as Array<{ alert_id: string }>) : undefined;
    });
    return {
      tenant,
      runId: run.id as string,
      ruleId: rule.body.id as string,
      ruleName,
      alertId: alerts[0]!.alert_id,
    };
  }

  /** Everything of `w` that must never show in another tenant's responses. */
  const footprint = (w: World): string[] => [
    w.tenant,
    w.runId,
    w.ruleId,
    w.ruleName,
    w.alertId,
    `role-${w.tenant.slice(0, 6)}`,
  ];

  beforeAll(async () => {
    h = await startHarness();
    a = await world();
    b = await world();
  });

  afterAll(async () => {
    await h?.close();
  });

  interface Ids {
    t: string;
    run: string;
    rule: string;
  }
  const ROUTES: Array<{ method: Method; path: (i: Ids) => string; body?: (i: Ids) => object }> = [
    { method: 'get', path: (i) => `/api/v1/eval/runs?tenant_id=${i.t}` },
    { method: 'post', path: () => '/api/v1/eval/runs', body: (i) => ({ tenant_id: i.t }) },
    { method: 'get', path: (i) => `/api/v1/eval/runs/${i.run}` },
    { method: 'get', path: (i) => `/api/v1/eval/runs/${i.run}?tenant_id=${i.t}` },
    { method: 'get', path: (i) => `/api/v1/eval/summaries?tenant_id=${i.t}` },
    { method: 'get', path: (i) => `/api/v1/eval/summaries/${i.run}` },
    { method: 'get', path: (i) => `/api/v1/eval/signals?tenant_id=${i.t}` },
    { method: 'get', path: (i) => `/api/v1/eval/signals?run_id=${i.run}` },
    { method: 'get', path: (i) => `/api/v1/eval/alert-rules?tenant_id=${i.t}` },
    {
      method: 'post',
      path: () => '/api/v1/eval/alert-rules',
      body: (i) => ({ ...RULE, name: 'intruder', tenant_id: i.t }),
    },
    { method: 'get', path: (i) => `/api/v1/eval/alert-rules/${i.rule}` },
    {
      method: 'put',
      path: (i) => `/api/v1/eval/alert-rules/${i.rule}`,
      body: () => ({ ...RULE, name: 'taken over' }),
    },
    { method: 'delete', path: (i) => `/api/v1/eval/alert-rules/${i.rule}` },
    { method: 'get', path: (i) => `/api/v1/eval/alerts?tenant_id=${i.t}` },
  ];
  const idsOf = (w: World): Ids => ({ t: w.tenant, run: w.runId, rule: w.ruleId });
  const randomIds = (): Ids => ({ t: randomUUID(), run: randomUUID(), rule: randomUUID() });
  const describeRoute = (r: (typeof ROUTES)[number]): string =>
    `${r.method.toUpperCase()} ${r.path({ t: ':tenant', run: ':run', rule: ':rule' })}`;

  async function call(auth: { Authorization: string } | undefined, route: (typeof ROUTES)[number], ids: Ids) {
    const req = h.service.http[route.method](route.path(ids));
    if (auth) void req.set(auth);
    return route.body ? req.send(route.body(ids)) : req;
  }

  it.each(ROUTES.map((r) => [describeRoute(r), r] as const))(
    "should answer %s with another tenant's ids exactly like ids that do not exist, leaking nothing",
    async (_name, route) => {
      const admin = await h.auth(a.tenant, 'tenant_admin');
      const onB = await call(admin, route, idsOf(b));
      const onNothing = await call(admin, route, randomIds());
      expect(onB.status).toBe(404);
      expect(onB.status).toBe(onNothing.status);
      expect(onB.body).toEqual(onNothing.body);
      for (const trace of footprint(b)) expect(onB.text).not.toContain(trace);
    },
  );

  it.each([
    ['/api/v1/eval/runs'],
    ['/api/v1/eval/summaries'],
    ['/api/v1/eval/signals'],
    ['/api/v1/eval/alert-rules'],
    ['/api/v1/eval/alerts'],
  ])('should show in %s only the caller’s own tenant', async (path) => {
    const res = await h.service.http.get(path).set(await h.auth(a.tenant, 'viewer'));
    expect(res.status).toBe(200);
    expect(res.text).toContain(
      path.endsWith('alert-rules') ? a.ruleId : path.endsWith('alerts') ? a.alertId : a.runId,
    );
    for (const trace of footprint(b)) expect(res.text).not.toContain(trace);
  });

  it('should let platform admins read any tenant with ?tenant_id=', async () => {
    const platform = await h.auth(randomUUID(), 'platform_admin');
    const res = await h.service.http
      .get(`/api/v1/eval/summaries/${b.runId}?tenant_id=${b.tenant}`)
      .set(platform);
    expect(res.status).toBe(200);
    expect(res.body.run_id).toBe(b.runId);
  });

  it('should let a viewer of the platform tenant read any tenant, and a tenant viewer only its own', async () => {
    const platformTenant = randomUUID();
    const platformViewer = await h.auth(platformTenant, 'viewer', { platform: true });
    const read = await h.service.http
      .get(`/api/v1/eval/signals?run_id=${b.runId}&tenant_id=${b.tenant}`)
      .set(platformViewer);
    expect(read.status).toBe(200);
    expect(read.text).toContain(`role-${b.tenant.slice(0, 6)}`);
    // Reading is all it may do across tenants: writing needs more than `viewer`.
    const write = await h.service.http
      .post('/api/v1/eval/runs')
      .set(platformViewer)
      .send({ tenant_id: b.tenant });
    expect(write.status).toBe(403);
    const plainViewer = await h.auth(platformTenant, 'viewer');
    const refused = await h.service.http
      .get(`/api/v1/eval/signals?run_id=${b.runId}&tenant_id=${b.tenant}`)
      .set(plainViewer);
    expect(refused.status).toBe(404);
  });

  it.each<[TestRole, Method, string, number]>([
    ['viewer', 'post', '/api/v1/eval/runs', 403],
    ['member', 'post', '/api/v1/eval/runs', 403],
    ['operator', 'post', '/api/v1/eval/runs', 403],
    ['viewer', 'post', '/api/v1/eval/alert-rules', 403],
    ['member', 'post', '/api/v1/eval/alert-rules', 403],
    ['service', 'post', '/api/v1/eval/alert-rules', 403],
    ['viewer', 'get', '/api/v1/eval/alerts', 200],
    ['service', 'get', '/api/v1/eval/signals', 200],
  ])('should answer a %s calling %s %s with %d', async (role, method, path, status) => {
    const req = h.service.http[method](path).set(await h.auth(a.tenant, role));
    const res = method === 'post' ? await req.send({ ...RULE, name: 'x' }) : await req;
    expect(res.status).toBe(status);
  });

  it('should refuse every eval route without a token', async () => {
    for (const route of ROUTES) {
      const res = await call(undefined, route, idsOf(a));
      expect([describeRoute(route), res.status]).toEqual([describeRoute(route), 401]);
    }
  });

  it('should declare exactly these routes and permissions', () => {
    const routes = listHandlers(h.service.app)
      .filter((x) => x.route.includes('/api/v1/eval'))
      .map((x) => `${x.route} ${x.permission ?? x.publicReason ?? 'UNDECLARED'}`)
      .sort();
    expect(routes).toEqual(
      [
        'POST /api/v1/eval/runs eval:write',
        'GET /api/v1/eval/runs eval:read',
        'GET /api/v1/eval/runs/:run_id eval:read',
        'GET /api/v1/eval/summaries eval:read',
        'GET /api/v1/eval/summaries/:run_id eval:read',
        'GET /api/v1/eval/signals eval:read',
        'POST /api/v1/eval/alert-rules alerts:write',
        'GET /api/v1/eval/alert-rules eval:read',
        'GET /api/v1/eval/alert-rules/:rule_id eval:read',
        'PUT /api/v1/eval/alert-rules/:rule_id alerts:write',
        'DELETE /api/v1/eval/alert-rules/:rule_id alerts:write',
        'GET /api/v1/eval/alerts eval:read',
      ].sort(),
    );
  });
});
