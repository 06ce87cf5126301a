// Attacks on the tenant registry: another tenant's ids in path, query and body; roles calling
// operations above them; bodies smuggling fields; secrets in responses and logs; undeclared routes.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import { listHandlers, undeclaredHandlers, type Role } from '@auraison/auth';
import { generateApiKey } from '../src/auth/domain/api-key.js';
import { tenantRegistryService } from '../src/service.js';
import { Seeder, type Actor, type SeededTenant } from './support/seed.js';

class LogCapture extends Writable {
  private readonly chunks: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  text(): string {
    return this.chunks.join('');
  }
}

const QUOTA = {
  gpu_hours_per_period: 1,
  token_budget_per_period: 1,
  max_jobs_in_flight: 1,
  default_max_job_duration_s: 60,
  period_anchor_day: 1,
  max_gpus: 1,
  cpu_cores: 1,
  memory_gib: 1,
};

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A tenant with one of everything, to be attacked or to attack from. */
interface World {
  tenant: SeededTenant;
  admin: Actor;
  member: Actor;
  memberEmail: string;
  saId: string;
  saName: string;
  keyId: string;
  keyPrefix: string;
  apiKey: string;
}

describe('tenant isolation and bad input (real PostgreSQL and NATS)', () => {
  const logs = new LogCapture();
  const secrets: string[] = [];
  let service: BootedService;
  let seed: Seeder;
  let platformAdmin: Actor;
  let a: World;
  let b: World;

  const http = () => service.http;

  async function world(): Promise<World> {
    const tenant = await seed.tenant();
    const admin = await seed.actor(tenant.id, 'tenant_admin');
    const member = await seed.actor(tenant.id, 'member');
    secrets.push(admin.token, member.token);
    const sa = await http()
      .post(`/api/v1/tenants/${tenant.id}/service-accounts`)
      .set(admin.auth)
      .send({ name: `sa-${tenant.slug}` });
    const key = await http()
      .post(`/api/v1/tenants/${tenant.id}/api-keys`)
      .set(admin.auth)
      .send({ name: 'key', user_id: member.id });
    expect([sa.status, key.status]).toEqual([201, 201]);
    secrets.push(key.body.api_key as string);
    const [{ email }] = await seed.db.query(`SELECT email FROM tenant_registry.users WHERE id = $1`, [
      member.id,
    ]);
    return {
      tenant,
      admin,
      member,
      memberEmail: email,
      saId: sa.body.id,
      saName: sa.body.name,
      keyId: key.body.id,
      keyPrefix: key.body.prefix,
      apiKey: key.body.api_key,
    };
  }

  /** Everything of `w` that must never show in another tenant's responses. */
  const footprint = (w: World): string[] => [
    w.tenant.id,
    w.tenant.slug,
    w.tenant.namespace,
    w.member.id,
    w.memberEmail,
    w.admin.id,
    w.saId,
    w.saName,
    w.keyId,
    w.keyPrefix,
  ];

  async function call(actor: Actor, method: Method, path: string, body?: object) {
    const req = http()[method](path).set(actor.auth);
    return body === undefined ? req : req.send(body);
  }

  beforeAll(async () => {
    service = await bootTestService(tenantRegistryService, {
      env: { MP_BOOTSTRAP_ADMIN_KEY: generateApiKey().token, LOG_LEVEL: 'debug' },
      logDestination: logs,
    });
    seed = new Seeder(service);
    platformAdmin = await seed.platformAdmin();
    secrets.push(platformAdmin.token);
    a = await world();
    b = await world();
  });

  afterAll(async () => {
    await service?.close();
  });

  // Every tenant-scoped route; `t` is the tenant in the path, `u`/`sa`/`k` a user, service account, key.
  interface Ids {
    t: string;
    u: string;
    sa: string;
    k: string;
  }
  const ROUTES: Array<{ method: Method; path: (i: Ids) => string; body?: object; sub?: boolean }> = [
    { method: 'get', path: (i) => `/api/v1/tenants/${i.t}` },
    { method: 'patch', path: (i) => `/api/v1/tenants/${i.t}`, body: { name: 'Renamed' } },
    { method: 'post', path: (i) => `/api/v1/tenants/${i.t}/suspend` },
    { method: 'post', path: (i) => `/api/v1/tenants/${i.t}/reactivate` },
    { method: 'get', path: (i) => `/api/v1/tenants/${i.t}/quota` },
    { method: 'put', path: (i) => `/api/v1/tenants/${i.t}/quota`, body: QUOTA },
    { method: 'get', path: (i) => `/api/v1/tenants/${i.t}/users` },
    {
      method: 'post',
      path: (i) => `/api/v1/tenants/${i.t}/users`,
      body: { email: 'intruder@example.com', role: 'member' },
    },
    { method: 'get', path: (i) => `/api/v1/tenants/${i.t}/users/${i.u}`, sub: true },
    {
      method: 'patch',
      path: (i) => `/api/v1/tenants/${i.t}/users/${i.u}`,
      body: { role: 'viewer' },
      sub: true,
    },
    { method: 'delete', path: (i) => `/api/v1/tenants/${i.t}/users/${i.u}`, sub: true },
    { method: 'get', path: (i) => `/api/v1/tenants/${i.t}/service-accounts` },
    { method: 'post', path: (i) => `/api/v1/tenants/${i.t}/service-accounts`, body: { name: 'intruder' } },
    { method: 'get', path: (i) => `/api/v1/tenants/${i.t}/service-accounts/${i.sa}`, sub: true },
    { method: 'delete', path: (i) => `/api/v1/tenants/${i.t}/service-accounts/${i.sa}`, sub: true },
    { method: 'get', path: (i) => `/api/v1/tenants/${i.t}/api-keys` },
    { method: 'post', path: (i) => `/api/v1/tenants/${i.t}/api-keys`, body: { name: 'intruder' } },
    { method: 'delete', path: (i) => `/api/v1/tenants/${i.t}/api-keys/${i.k}`, sub: true },
    { method: 'get', path: (i) => `/api/v1/tenants/${i.t}/k8s-manifests` },
  ];

  const idsOf = (w: World): Ids => ({ t: w.tenant.id, u: w.member.id, sa: w.saId, k: w.keyId });
  const randomIds = (): Ids => ({ t: randomUUID(), u: randomUUID(), sa: randomUUID(), k: randomUUID() });
  const describeRoute = (r: (typeof ROUTES)[number]) =>
    `${r.method.toUpperCase()} ${r.path({ t: ':id', u: ':userId', sa: ':saId', k: ':keyId' })}`;

  describe("tenant A's admin on tenant B's resources", () => {
    it.each(ROUTES.map((r) => [describeRoute(r), r] as const))(
      'should answer %s with B’s ids like ids that do not exist, 404 where permitted, nothing of B',
      async (_name, route) => {
        const onB = await call(a.admin, route.method, route.path(idsOf(b)), route.body);
        const onNothing = await call(a.admin, route.method, route.path(randomIds()), route.body);
        expect(onB.status).toBe(onNothing.status);
        expect(onB.body).toEqual(onNothing.body);
        expect([403, 404]).toContain(onB.status);
        for (const trace of footprint(b)) expect(onB.text).not.toContain(trace);
      },
    );

    it.each(ROUTES.filter((r) => r.sub).map((r) => [describeRoute(r), r] as const))(
      'should answer %s in A’s own path with B’s sub-resource id with 404 and nothing of B',
      async (_name, route) => {
        const ids = { ...idsOf(b), t: a.tenant.id };
        const res = await call(a.admin, route.method, route.path(ids), route.body);
        expect(res.status).toBe(404);
        for (const trace of footprint(b)) expect(res.text).not.toContain(trace);
      },
    );

    it.each([
      ['user_id', () => b.member.id],
      ['service_account_id', () => b.saId],
    ])('should answer 404 for B’s %s in a query', async (param, id) => {
      const res = await http()
        .get(`/api/v1/tenants/${a.tenant.id}/api-keys?${param}=${id()}`)
        .set(a.admin.auth);
      expect(res.status).toBe(404);
      for (const trace of footprint(b)) expect(res.text).not.toContain(trace);
    });

    it.each([
      ['user_id', () => b.member.id],
      ['service_account_id', () => b.saId],
    ])('should answer 404 for B’s %s in a body', async (field, id) => {
      const res = await http()
        .post(`/api/v1/tenants/${a.tenant.id}/api-keys`)
        .set(a.admin.auth)
        .send({ name: 'steal', [field]: id() });
      expect(res.status).toBe(404);
      expect(res.body.field).toBe(field);
      for (const trace of footprint(b)) expect(res.text).not.toContain(trace);
    });

    it('should list only A in GET /tenants and /me', async () => {
      for (const path of ['/api/v1/tenants', '/api/v1/me']) {
        const res = await http().get(path).set(a.admin.auth);
        expect(res.status).toBe(200);
        for (const trace of footprint(b)) expect(res.text).not.toContain(trace);
      }
    });

    it('should have left B exactly as it was', async () => {
      const [tenant] = await seed.db.query(
        `SELECT name, status, revision FROM tenant_registry.tenants WHERE id = $1`,
        [b.tenant.id],
      );
      expect(tenant).toEqual({ name: `Tenant ${b.tenant.slug}`, status: 'active', revision: '1' });
      const members = await seed.db.query(
        `SELECT user_id, role FROM tenant_registry.memberships WHERE tenant_id = $1 ORDER BY role`,
        [b.tenant.id],
      );
      expect(members).toEqual([
        { user_id: b.member.id, role: 'member' },
        { user_id: b.admin.id, role: 'tenant_admin' },
      ]);
      const [sa] = await seed.db.query(
        `SELECT disabled_at FROM tenant_registry.service_accounts WHERE id = $1`,
        [b.saId],
      );
      expect(sa.disabled_at).toBeNull();
      const [key] = await seed.db.query(`SELECT revoked_at FROM tenant_registry.api_keys WHERE id = $1`, [
        b.keyId,
      ]);
      expect(key.revoked_at).toBeNull();
      const [{ n }] = await seed.db.query(
        `SELECT count(*)::int AS n FROM tenant_registry.service_accounts WHERE tenant_id = $1`,
        [b.tenant.id],
      );
      expect(n).toBe(1);
    });
  });

  describe('roles below an operation', () => {
    // [roles refused, method, path, body]
    const ADMIN_OPERATIONS: Array<
      [Role[], Method, (w: World) => string, (object | ((w: World) => object))?]
    > = [
      [
        ['tenant_admin', 'operator', 'member', 'viewer', 'service'],
        'post',
        () => '/api/v1/tenants',
        { slug: 'nope', name: 'x' },
      ],
      [
        ['tenant_admin', 'operator', 'member', 'viewer', 'service'],
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/suspend`,
      ],
      [
        ['tenant_admin', 'operator', 'member', 'viewer', 'service'],
        'put',
        (w) => `/api/v1/tenants/${w.tenant.id}/quota`,
        QUOTA,
      ],
      [
        ['operator', 'member', 'viewer', 'service'],
        'patch',
        (w) => `/api/v1/tenants/${w.tenant.id}`,
        { name: 'x' },
      ],
      [
        ['operator', 'member', 'viewer', 'service'],
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/users`,
        { email: 'x@example.com', role: 'viewer' },
      ],
      [
        ['operator', 'member', 'viewer', 'service'],
        'patch',
        (w) => `/api/v1/tenants/${w.tenant.id}/users/${w.member.id}`,
        { role: 'viewer' },
      ],
      [
        ['operator', 'member', 'viewer', 'service'],
        'delete',
        (w) => `/api/v1/tenants/${w.tenant.id}/users/${w.member.id}`,
      ],
      [
        ['operator', 'member', 'viewer', 'service'],
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/service-accounts`,
        { name: 'nope' },
      ],
      [
        ['operator', 'member', 'viewer', 'service'],
        'delete',
        (w) => `/api/v1/tenants/${w.tenant.id}/service-accounts/${w.saId}`,
      ],
      [
        ['operator', 'member', 'viewer', 'service'],
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/api-keys`,
        (w: World) => ({ name: 'x', user_id: w.admin.id }),
      ],
      [
        ['operator', 'member', 'viewer', 'service'],
        'delete',
        (w) => `/api/v1/tenants/${w.tenant.id}/api-keys/${w.keyId}`,
      ],
      [['viewer', 'service'], 'get', (w) => `/api/v1/tenants/${w.tenant.id}/users`],
      [['viewer', 'service'], 'get', (w) => `/api/v1/tenants/${w.tenant.id}/service-accounts`],
      [['viewer', 'service'], 'get', (w) => `/api/v1/tenants/${w.tenant.id}/api-keys`],
      [['viewer', 'service'], 'get', (w) => `/api/v1/tenants/${w.tenant.id}/k8s-manifests`],
    ];
    const cases = ADMIN_OPERATIONS.flatMap(([roles, method, path, body]) =>
      roles.map((role) => {
        const bodyFor = (w: World): object | undefined =>
          typeof body === 'function' ? (body as (w: World) => object)(w) : body;
        return [role, method.toUpperCase(), path, method, bodyFor] as const;
      }),
    );

    it.each(cases)('should answer 403 to a %s calling %s %p', async (role, _verb, path, method, bodyFor) => {
      const actor = await seed.actor(a.tenant.id, role);
      secrets.push(actor.token);
      const res = await call(actor, method, path(a), bodyFor(a));
      expect(res.status).toBe(403);
    });

    it('should have changed nothing in A', async () => {
      const [tenant] = await seed.db.query(`SELECT name, status FROM tenant_registry.tenants WHERE id = $1`, [
        a.tenant.id,
      ]);
      expect(tenant).toEqual({ name: `Tenant ${a.tenant.slug}`, status: 'active' });
      const [key] = await seed.db.query(`SELECT revoked_at FROM tenant_registry.api_keys WHERE id = $1`, [
        a.keyId,
      ]);
      expect(key.revoked_at).toBeNull();
      const [{ n }] = await seed.db.query(
        `SELECT count(*)::int AS n FROM tenant_registry.tenants WHERE slug = 'nope'`,
      );
      expect(n).toBe(0);
    });
  });

  describe('bodies that try to set what the caller may not', () => {
    const SMUGGLED: Array<[string, Method, (w: World) => string, object, string, 'admin' | 'platform']> = [
      [
        'POST /tenants',
        'post',
        () => '/api/v1/tenants',
        { slug: 'smuggle', name: 'x', status: 'suspended' },
        'status',
        'platform',
      ],
      [
        'POST /tenants',
        'post',
        () => '/api/v1/tenants',
        { slug: 'smuggle', name: 'x', revision: 99 },
        'revision',
        'platform',
      ],
      [
        'POST /tenants',
        'post',
        () => '/api/v1/tenants',
        { slug: 'smuggle', name: 'x', id: randomUUID() },
        'id',
        'platform',
      ],
      [
        'POST /tenants',
        'post',
        () => '/api/v1/tenants',
        { slug: 'smuggle', name: 'x', is_platform: true },
        'is_platform',
        'platform',
      ],
      [
        'PATCH /tenants/:id',
        'patch',
        (w) => `/api/v1/tenants/${w.tenant.id}`,
        { status: 'suspended' },
        'status',
        'admin',
      ],
      [
        'PATCH /tenants/:id',
        'patch',
        (w) => `/api/v1/tenants/${w.tenant.id}`,
        { revision: 99 },
        'revision',
        'admin',
      ],
      [
        'PATCH /tenants/:id',
        'patch',
        (w) => `/api/v1/tenants/${w.tenant.id}`,
        { id: randomUUID() },
        'id',
        'admin',
      ],
      [
        'PATCH /tenants/:id',
        'patch',
        (w) => `/api/v1/tenants/${w.tenant.id}`,
        { tenant_id: randomUUID() },
        'tenant_id',
        'admin',
      ],
      [
        'PATCH /tenants/:id',
        'patch',
        (w) => `/api/v1/tenants/${w.tenant.id}`,
        { quota: QUOTA },
        'quota',
        'admin',
      ],
      [
        'POST users',
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/users`,
        { email: 's@example.com', role: 'viewer', tenant_id: randomUUID() },
        'tenant_id',
        'admin',
      ],
      [
        'POST users',
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/users`,
        { email: 's@example.com', role: 'viewer', roles: ['platform_admin'] },
        'roles',
        'admin',
      ],
      [
        'POST users',
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/users`,
        { email: 's@example.com', role: 'viewer', id: randomUUID() },
        'id',
        'admin',
      ],
      [
        'PATCH users/:userId',
        'patch',
        (w) => `/api/v1/tenants/${w.tenant.id}/users/${w.member.id}`,
        { role: 'member', roles: ['tenant_admin'] },
        'roles',
        'admin',
      ],
      [
        'PATCH users/:userId',
        'patch',
        (w) => `/api/v1/tenants/${w.tenant.id}/users/${w.member.id}`,
        { role: 'member', tenant_id: randomUUID() },
        'tenant_id',
        'admin',
      ],
      [
        'POST service-accounts',
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/service-accounts`,
        { name: 'smuggle', tenant_id: randomUUID() },
        'tenant_id',
        'admin',
      ],
      [
        'POST service-accounts',
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/service-accounts`,
        { name: 'smuggle', id: randomUUID() },
        'id',
        'admin',
      ],
      [
        'POST service-accounts',
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/service-accounts`,
        { name: 'smuggle', status: 'active', disabled_at: null },
        'status',
        'admin',
      ],
      [
        'POST service-accounts',
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/service-accounts`,
        { name: 'smuggle', roles: ['platform_admin'] },
        'roles',
        'admin',
      ],
      [
        'POST api-keys',
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/api-keys`,
        { name: 'smuggle', tenant_id: randomUUID() },
        'tenant_id',
        'admin',
      ],
      [
        'POST api-keys',
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/api-keys`,
        { name: 'smuggle', id: randomUUID() },
        'id',
        'admin',
      ],
      [
        'POST api-keys',
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/api-keys`,
        { name: 'smuggle', prefix: 'aaaaaaaaaaaa' },
        'prefix',
        'admin',
      ],
      [
        'POST api-keys',
        'post',
        (w) => `/api/v1/tenants/${w.tenant.id}/api-keys`,
        { name: 'smuggle', roles: ['platform_admin'] },
        'roles',
        'admin',
      ],
      [
        'PUT quota',
        'put',
        (w) => `/api/v1/tenants/${w.tenant.id}/quota`,
        { ...QUOTA, tenant_id: randomUUID() },
        'tenant_id',
        'platform',
      ],
      [
        'PUT quota',
        'put',
        (w) => `/api/v1/tenants/${w.tenant.id}/quota`,
        { ...QUOTA, revision: 99 },
        'revision',
        'platform',
      ],
    ];

    it.each(SMUGGLED)(
      'should refuse %s setting %j with 400 naming the field',
      async (_route, method, path, body, field, who) => {
        const actor = who === 'platform' ? platformAdmin : a.admin;
        const res = await call(actor, method, path(a), body);
        expect(res.status).toBe(400);
        expect(res.body.message).toContain(`property ${field} should not exist`);
      },
    );

    it('should have applied none of them', async () => {
      const [tenant] = await seed.db.query(
        `SELECT status, revision, is_platform FROM tenant_registry.tenants WHERE id = $1`,
        [a.tenant.id],
      );
      expect(tenant).toEqual({ status: 'active', revision: '1', is_platform: false });
      const [{ tenants }] = await seed.db.query(
        `SELECT count(*)::int AS tenants FROM tenant_registry.tenants WHERE slug = 'smuggle'`,
      );
      const [{ users }] = await seed.db.query(
        `SELECT count(*)::int AS users FROM tenant_registry.users WHERE email = 's@example.com'`,
      );
      const [{ accounts }] = await seed.db.query(
        `SELECT count(*)::int AS accounts FROM tenant_registry.service_accounts WHERE name = 'smuggle'`,
      );
      const [{ keys }] = await seed.db.query(
        `SELECT count(*)::int AS keys FROM tenant_registry.api_keys WHERE name = 'smuggle'`,
      );
      expect({ tenants, users, accounts, keys }).toEqual({ tenants: 0, users: 0, accounts: 0, keys: 0 });
      const [member] = await seed.db.query(
        `SELECT role FROM tenant_registry.memberships WHERE tenant_id = $1 AND user_id = $2`,
        [a.tenant.id, a.member.id],
      );
      expect(member.role).toBe('member');
    });
  });

  describe('secrets', () => {
    it('should never return an API key after its creation', async () => {
      for (const w of [a, b]) {
        for (const path of [
          `/api/v1/tenants/${w.tenant.id}/api-keys`,
          `/api/v1/tenants/${w.tenant.id}/users`,
          '/api/v1/me',
        ]) {
          const res = await http().get(path).set(w.admin.auth);
          expect(res.status).toBe(200);
          expect(res.text).not.toContain(w.apiKey);
          expect(res.text).not.toContain(w.apiKey.slice(-43));
        }
      }
    });

    it('should never write an API key or an access token to the logs, even at debug level', async () => {
      // Exercise the paths that handle keys: exchange, use, revoke, failed exchange.
      const exchanged = await http().post('/api/v1/auth/token').send({ api_key: a.apiKey });
      expect(exchanged.status).toBe(200);
      secrets.push(exchanged.body.access_token as string);
      await http().get('/api/v1/me').set('Authorization', `Bearer ${exchanged.body.access_token}`);
      await http().delete(`/api/v1/tenants/${a.tenant.id}/api-keys/${a.keyId}`).set(a.admin.auth);
      await http().post('/api/v1/auth/token').send({ api_key: a.apiKey });
      const text = logs.text();
      expect(text).toContain('api key created');
      expect(text).toContain(a.keyPrefix);
      for (const secret of secrets) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(secret.slice(-43));
      }
    });
  });

  describe('route inventory', () => {
    it('should declare a permission or a public reason on every route', () => {
      expect(undeclaredHandlers(service.app)).toEqual([]);
      for (const h of listHandlers(service.app)) expect(h.permission ?? h.publicReason).toBeTruthy();
    });

    it('should guard each registry route with the documented permission', () => {
      const declared = Object.fromEntries(
        listHandlers(service.app)
          .filter((h) => h.route.includes('/api/v1/tenants') || h.route.includes('/api/v1/me'))
          .map((h) => [h.route, h.permission]),
      );
      expect(declared).toEqual({
        'POST /api/v1/tenants': 'tenants:create',
        'GET /api/v1/tenants': 'tenants:read',
        'GET /api/v1/tenants/:id': 'tenants:read',
        'PATCH /api/v1/tenants/:id': 'tenants:update',
        'POST /api/v1/tenants/:id/suspend': 'tenants:suspend',
        'POST /api/v1/tenants/:id/reactivate': 'tenants:suspend',
        'GET /api/v1/tenants/:id/quota': 'quotas:read',
        'PUT /api/v1/tenants/:id/quota': 'quotas:update',
        'POST /api/v1/tenants/:id/users': 'users:write',
        'GET /api/v1/tenants/:id/users': 'users:read',
        'GET /api/v1/tenants/:id/users/:userId': 'users:read',
        'PATCH /api/v1/tenants/:id/users/:userId': 'users:write',
        'DELETE /api/v1/tenants/:id/users/:userId': 'users:write',
        'POST /api/v1/tenants/:id/service-accounts': 'service-accounts:write',
        'GET /api/v1/tenants/:id/service-accounts': 'service-accounts:read',
        'GET /api/v1/tenants/:id/service-accounts/:saId': 'service-accounts:read',
        'DELETE /api/v1/tenants/:id/service-accounts/:saId': 'service-accounts:write',
        'POST /api/v1/tenants/:id/api-keys': 'api-keys:write-own',
        'GET /api/v1/tenants/:id/api-keys': 'api-keys:read',
        'DELETE /api/v1/tenants/:id/api-keys/:keyId': 'api-keys:write-own',
        'GET /api/v1/tenants/:id/k8s-manifests': 'k8s:read',
        'GET /api/v1/me': 'self:read',
      });
    });

    it('should document every DTO field in the OpenAPI document', async () => {
      const doc = await http().get('/api/docs/openapi.json');
      const schemas = doc.body.components.schemas as Record<string, { properties?: Record<string, unknown> }>;
      expect(Object.keys(schemas.CreateTenantDto!.properties!).sort()).toEqual([
        'allowed_environments',
        'k8s_namespace',
        'name',
        'quota',
        'slug',
      ]);
      expect(Object.keys(schemas.QuotaDto!.properties!)).toHaveLength(8);
      expect(Object.keys(schemas.CreatedApiKeyResponseDto!.properties!)).toContain('api_key');
      expect(Object.keys(schemas.ApiKeyResponseDto!.properties!)).not.toContain('api_key');
      expect(Object.keys(doc.body.paths as object)).toEqual(
        expect.arrayContaining(['/api/v1/tenants/{id}/k8s-manifests', '/api/v1/me']),
      );
    });
  });
});
