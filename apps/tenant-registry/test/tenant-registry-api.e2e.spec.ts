// The tenant registry's HTTP API end to end: tenants, quota, users and memberships, service accounts,
// API keys, /me, Kubernetes manifests, pagination and input validation (real PostgreSQL and NATS).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import { generateApiKey } from '../src/auth/domain/api-key.js';
import { tenantRegistryService } from '../src/service.js';
import { Seeder, type Actor, type SeededTenant } from './support/seed.js';

const QUOTA = {
  gpu_hours_per_period: 120.5,
  token_budget_per_period: 50_000_000,
  max_jobs_in_flight: 4,
  default_max_job_duration_s: 3600,
  period_anchor_day: 15,
  max_gpus: 8,
  cpu_cores: 64,
  memory_gib: 256,
};

describe('tenant registry HTTP API (real PostgreSQL and NATS)', () => {
  let service: BootedService;
  let seed: Seeder;
  let admin: Actor;

  const http = () => service.http;

  beforeAll(async () => {
    service = await bootTestService(tenantRegistryService, {
      env: { MP_BOOTSTRAP_ADMIN_KEY: generateApiKey().token },
    });
    seed = new Seeder(service);
    admin = await seed.platformAdmin();
  });

  afterAll(async () => {
    await service?.close();
  });

  describe('tenants', () => {
    let tenantId: string;
    let tenantAdmin: Actor;

    it('should create a tenant with the default namespace when a platform admin asks', async () => {
      const res = await http()
        .post('/api/v1/tenants')
        .set(admin.auth)
        .send({
          slug: 'acme',
          name: '  ACME Robotics ',
          allowed_environments: ['torch.dev.gpu'],
          quota: QUOTA,
        });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        slug: 'acme',
        name: 'ACME Robotics',
        status: 'active',
        k8s_namespace: 'mp-acme',
        allowed_environments: ['torch.dev.gpu'],
        quota: QUOTA,
        is_platform: false,
        revision: 1,
      });
      tenantId = res.body.id;
      tenantAdmin = await seed.actor(tenantId, 'tenant_admin');
    });

    it('should use a given namespace and default the quota when none is given', async () => {
      const res = await http()
        .post('/api/v1/tenants')
        .set(admin.auth)
        .send({ slug: 'globex', name: 'Globex', k8s_namespace: 'globex-jobs' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ k8s_namespace: 'globex-jobs', allowed_environments: [] });
      expect(res.body.quota).toMatchObject({
        gpu_hours_per_period: 0,
        default_max_job_duration_s: 3600,
        period_anchor_day: 1,
      });
    });

    it('should list every tenant for a platform admin and only its own for anyone else', async () => {
      const all = await http().get('/api/v1/tenants').set(admin.auth);
      expect(all.status).toBe(200);
      expect((all.body.items as Array<{ slug: string }>).map((t) => t.slug)).toEqual(
        expect.arrayContaining(['platform', 'acme', 'globex']),
      );
      const own = await http().get('/api/v1/tenants').set(tenantAdmin.auth);
      expect(own.body).toEqual({ items: [expect.objectContaining({ id: tenantId })], next_cursor: null });
    });

    it('should read a tenant for its members', async () => {
      const viewer = await seed.actor(tenantId, 'viewer');
      const res = await http().get(`/api/v1/tenants/${tenantId}`).set(viewer.auth);
      expect(res.status).toBe(200);
      expect(res.body.slug).toBe('acme');
    });

    it('should let a tenant admin rename its tenant and bump the revision', async () => {
      const res = await http()
        .patch(`/api/v1/tenants/${tenantId}`)
        .set(tenantAdmin.auth)
        .send({ name: 'ACME Inc' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'ACME Inc', revision: 2 });
    });

    it('should refuse a tenant admin changing the namespace or environments, naming the field', async () => {
      for (const body of [{ k8s_namespace: 'elsewhere' }, { allowed_environments: ['ros.dev.gpu'] }]) {
        const res = await http().patch(`/api/v1/tenants/${tenantId}`).set(tenantAdmin.auth).send(body);
        expect(res.status).toBe(403);
        expect(res.body.field).toBe(Object.keys(body)[0]);
      }
      const [row] = await seed.db.query(
        `SELECT k8s_namespace, allowed_environments FROM tenant_registry.tenants WHERE id = $1`,
        [tenantId],
      );
      expect(row).toEqual({ k8s_namespace: 'mp-acme', allowed_environments: ['torch.dev.gpu'] });
    });

    it('should let a platform admin change the namespace and environments', async () => {
      const res = await http()
        .patch(`/api/v1/tenants/${tenantId}`)
        .set(admin.auth)
        .send({ k8s_namespace: 'acme-prod', allowed_environments: ['torch.dev.gpu', 'ros.dev.gpu'] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        k8s_namespace: 'acme-prod',
        allowed_environments: ['ros.dev.gpu', 'torch.dev.gpu'],
        revision: 3,
      });
    });

    it('should change nothing (same revision) when a patch changes nothing', async () => {
      const res = await http()
        .patch(`/api/v1/tenants/${tenantId}`)
        .set(admin.auth)
        .send({ name: 'ACME Inc' });
      expect(res.body.revision).toBe(3);
    });

    it('should suspend and reactivate a tenant, idempotently', async () => {
      const suspended = await http().post(`/api/v1/tenants/${tenantId}/suspend`).set(admin.auth);
      expect(suspended.status).toBe(200);
      expect(suspended.body).toMatchObject({ status: 'suspended', revision: 4 });
      const again = await http().post(`/api/v1/tenants/${tenantId}/suspend`).set(admin.auth);
      expect(again.body).toMatchObject({ status: 'suspended', revision: 4 });
      const active = await http().post(`/api/v1/tenants/${tenantId}/reactivate`).set(admin.auth);
      expect(active.body).toMatchObject({ status: 'active', revision: 5 });
    });

    it('should refuse to suspend the platform tenant', async () => {
      const res = await http().post(`/api/v1/tenants/${admin.tenantId}/suspend`).set(admin.auth);
      expect(res.status).toBe(409);
    });

    it('should answer 404 for a tenant that does not exist', async () => {
      const res = await http().get('/api/v1/tenants/00000000-0000-4000-8000-000000000000').set(admin.auth);
      expect(res.status).toBe(404);
    });

    it('should answer 400 naming id for a malformed tenant id', async () => {
      const res = await http().get('/api/v1/tenants/not-a-uuid').set(admin.auth);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('id must be a UUID');
    });
  });

  describe('quota', () => {
    let tenant: SeededTenant;

    beforeAll(async () => {
      tenant = await seed.tenant();
    });

    it('should let a platform admin replace the quota and any member read it', async () => {
      const put = await http().put(`/api/v1/tenants/${tenant.id}/quota`).set(admin.auth).send(QUOTA);
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ tenant_id: tenant.id, ...QUOTA });
      const member = await seed.actor(tenant.id, 'viewer');
      const get = await http().get(`/api/v1/tenants/${tenant.id}/quota`).set(member.auth);
      expect(get.status).toBe(200);
      expect(get.body).toEqual({ tenant_id: tenant.id, revision: put.body.revision, ...QUOTA });
      const [row] = await seed.db.query(
        `SELECT gpu_hours_per_period::text AS gpu, cpu_cores::text AS cpu FROM tenant_registry.tenants WHERE id = $1`,
        [tenant.id],
      );
      expect(row).toEqual({ gpu: '120.500', cpu: '64.000' });
    });

    it('should refuse a tenant admin changing its own quota', async () => {
      const tenantAdmin = await seed.actor(tenant.id, 'tenant_admin');
      const res = await http().put(`/api/v1/tenants/${tenant.id}/quota`).set(tenantAdmin.auth).send(QUOTA);
      expect(res.status).toBe(403);
    });

    it.each([
      ['a negative value', { gpu_hours_per_period: -1 }, 'gpu_hours_per_period must not be less than 0'],
      ['a negative integer', { max_gpus: -2 }, 'max_gpus must not be less than 0'],
      ['four decimals', { cpu_cores: 1.0005 }, 'cpu_cores must have at most three decimals'],
      ['an anchor day past 28', { period_anchor_day: 29 }, 'period_anchor_day must not be greater than 28'],
      [
        'a fractional token budget',
        { token_budget_per_period: 1.5 },
        'token_budget_per_period must be an integer',
      ],
      ['a string number', { memory_gib: '8' }, 'memory_gib must be a number'],
      [
        'a zero job duration',
        { default_max_job_duration_s: 0 },
        'default_max_job_duration_s must not be less than 1',
      ],
    ])('should answer 400 naming the field for %s', async (_what, change, message) => {
      const res = await http()
        .put(`/api/v1/tenants/${tenant.id}/quota`)
        .set(admin.auth)
        .send({ ...QUOTA, ...change });
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
    });

    it('should answer 400 naming a missing quota field', async () => {
      const { max_gpus: _omitted, ...rest } = QUOTA;
      const res = await http().put(`/api/v1/tenants/${tenant.id}/quota`).set(admin.auth).send(rest);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toContain('max_gpus');
    });
  });

  describe('users and memberships', () => {
    let tenant: SeededTenant;
    let other: SeededTenant;
    let tenantAdmin: Actor;
    let adaId: string;

    beforeAll(async () => {
      tenant = await seed.tenant();
      other = await seed.tenant();
      tenantAdmin = await seed.actor(tenant.id, 'tenant_admin');
    });

    it('should create a user when the email is new', async () => {
      const res = await http()
        .post(`/api/v1/tenants/${tenant.id}/users`)
        .set(tenantAdmin.auth)
        .send({ email: ' Ada@Example.COM ', display_name: 'Ada', role: 'operator' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        tenant_id: tenant.id,
        email: 'ada@example.com',
        display_name: 'Ada',
        role: 'operator',
      });
      adaId = res.body.id;
    });

    it('should add an existing user to another tenant without creating a second one', async () => {
      const otherAdmin = await seed.actor(other.id, 'tenant_admin');
      const res = await http()
        .post(`/api/v1/tenants/${other.id}/users`)
        .set(otherAdmin.auth)
        .send({ email: 'ada@example.com', display_name: 'Someone Else', role: 'viewer' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: adaId, tenant_id: other.id, role: 'viewer', display_name: 'Ada' });
      const [{ n }] = await seed.db.query(
        `SELECT count(*)::int AS n FROM tenant_registry.users WHERE email = 'ada@example.com'`,
      );
      expect(n).toBe(1);
    });

    it('should answer 409 naming email when the user is already a member', async () => {
      const res = await http()
        .post(`/api/v1/tenants/${tenant.id}/users`)
        .set(tenantAdmin.auth)
        .send({ email: 'ada@example.com', role: 'member' });
      expect(res.status).toBe(409);
      expect(res.body.field).toBe('email');
    });

    it('should list and read the tenant’s users', async () => {
      const list = await http().get(`/api/v1/tenants/${tenant.id}/users`).set(tenantAdmin.auth);
      expect(list.status).toBe(200);
      expect((list.body.items as Array<{ id: string }>).map((u) => u.id)).toEqual([tenantAdmin.id, adaId]);
      const one = await http().get(`/api/v1/tenants/${tenant.id}/users/${adaId}`).set(tenantAdmin.auth);
      expect(one.body).toMatchObject({ id: adaId, role: 'operator' });
    });

    it('should change a role', async () => {
      const res = await http()
        .patch(`/api/v1/tenants/${tenant.id}/users/${adaId}`)
        .set(tenantAdmin.auth)
        .send({ role: 'tenant_admin' });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe('tenant_admin');
    });

    it('should refuse granting platform_admin (escalation) with 403', async () => {
      const res = await http()
        .patch(`/api/v1/tenants/${tenant.id}/users/${adaId}`)
        .set(tenantAdmin.auth)
        .send({ role: 'platform_admin' });
      expect(res.status).toBe(403);
      const add = await http()
        .post(`/api/v1/tenants/${tenant.id}/users`)
        .set(tenantAdmin.auth)
        .send({ email: 'mallory@example.com', role: 'platform_admin' });
      expect(add.status).toBe(403);
      const [{ n }] = await seed.db.query(
        `SELECT count(*)::int AS n FROM tenant_registry.users WHERE email = 'mallory@example.com'`,
      );
      expect(n).toBe(0);
    });

    it('should refuse platform_admin outside the platform tenant even from a platform admin', async () => {
      const res = await http()
        .patch(`/api/v1/tenants/${tenant.id}/users/${adaId}`)
        .set(admin.auth)
        .send({ role: 'platform_admin' });
      expect(res.status).toBe(400);
      expect(res.body.field).toBe('role');
    });

    it('should keep at least one tenant admin', async () => {
      const lonely = await seed.tenant();
      const onlyAdmin = await seed.actor(lonely.id, 'tenant_admin');
      const demote = await http()
        .patch(`/api/v1/tenants/${lonely.id}/users/${onlyAdmin.id}`)
        .set(onlyAdmin.auth)
        .send({ role: 'member' });
      expect(demote.status).toBe(409);
      expect(demote.body.field).toBe('role');
      const remove = await http()
        .delete(`/api/v1/tenants/${lonely.id}/users/${onlyAdmin.id}`)
        .set(admin.auth);
      expect(remove.status).toBe(409);
    });

    it('should remove a membership and revoke the user’s keys in that tenant only', async () => {
      const key = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(tenantAdmin.auth)
        .send({ name: 'ada ci', user_id: adaId });
      expect(key.status).toBe(201);
      const res = await http().delete(`/api/v1/tenants/${tenant.id}/users/${adaId}`).set(tenantAdmin.auth);
      expect(res.status).toBe(204);
      expect(
        (await http().get(`/api/v1/tenants/${tenant.id}/users/${adaId}`).set(tenantAdmin.auth)).status,
      ).toBe(404);
      const [row] = await seed.db.query(`SELECT revoked_at FROM tenant_registry.api_keys WHERE id = $1`, [
        key.body.id,
      ]);
      expect(row.revoked_at).not.toBeNull();
      const stillThere = await seed.db.query(
        `SELECT role FROM tenant_registry.memberships WHERE tenant_id = $1 AND user_id = $2`,
        [other.id, adaId],
      );
      expect(stillThere).toEqual([{ role: 'viewer' }]);
    });

    it('should answer 400 naming the field for a bad email or role', async () => {
      const res = await http()
        .post(`/api/v1/tenants/${tenant.id}/users`)
        .set(tenantAdmin.auth)
        .send({ email: 'not-an-email', role: 'owner' });
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual(
        expect.arrayContaining(['email must be an email', expect.stringContaining('role must be one of')]),
      );
    });
  });

  describe('service accounts', () => {
    let tenant: SeededTenant;
    let tenantAdmin: Actor;
    let saId: string;

    beforeAll(async () => {
      tenant = await seed.tenant();
      tenantAdmin = await seed.actor(tenant.id, 'tenant_admin');
    });

    it('should create, list and read a service account', async () => {
      const res = await http()
        .post(`/api/v1/tenants/${tenant.id}/service-accounts`)
        .set(tenantAdmin.auth)
        .send({ name: 'control-plane', description: 'spawns agents' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        tenant_id: tenant.id,
        name: 'control-plane',
        role: 'service',
        disabled_at: null,
      });
      saId = res.body.id;
      const list = await http().get(`/api/v1/tenants/${tenant.id}/service-accounts`).set(tenantAdmin.auth);
      expect((list.body.items as Array<{ id: string }>).map((s) => s.id)).toEqual([saId]);
      const one = await http()
        .get(`/api/v1/tenants/${tenant.id}/service-accounts/${saId}`)
        .set(tenantAdmin.auth);
      expect(one.body.name).toBe('control-plane');
    });

    it('should answer 409 naming name for a duplicate name', async () => {
      const res = await http()
        .post(`/api/v1/tenants/${tenant.id}/service-accounts`)
        .set(tenantAdmin.auth)
        .send({ name: 'control-plane' });
      expect(res.status).toBe(409);
      expect(res.body.field).toBe('name');
    });

    it('should disable a service account, revoke its keys and refuse new ones', async () => {
      const key = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(tenantAdmin.auth)
        .send({ name: 'cp', service_account_id: saId });
      expect(key.status).toBe(201);
      expect(
        (await http().delete(`/api/v1/tenants/${tenant.id}/service-accounts/${saId}`).set(tenantAdmin.auth))
          .status,
      ).toBe(204);
      const one = await http()
        .get(`/api/v1/tenants/${tenant.id}/service-accounts/${saId}`)
        .set(tenantAdmin.auth);
      expect(one.body.disabled_at).not.toBeNull();
      const keys = await http()
        .get(`/api/v1/tenants/${tenant.id}/api-keys?service_account_id=${saId}`)
        .set(tenantAdmin.auth);
      expect(keys.body.items[0].revoked_at).not.toBeNull();
      const again = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(tenantAdmin.auth)
        .send({ name: 'cp2', service_account_id: saId });
      expect(again.status).toBe(409);
      expect(again.body.field).toBe('service_account_id');
    });
  });

  describe('api keys', () => {
    let tenant: SeededTenant;
    let tenantAdmin: Actor;
    let member: Actor;

    beforeAll(async () => {
      tenant = await seed.tenant();
      tenantAdmin = await seed.actor(tenant.id, 'tenant_admin');
      member = await seed.actor(tenant.id, 'member');
    });

    it('should let a member create its own key, shown once, and exchange it for a working token', async () => {
      const res = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(member.auth)
        .send({ name: 'laptop', expires_at: new Date(Date.now() + 86_400_000).toISOString() });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        tenant_id: tenant.id,
        name: 'laptop',
        owner_user_id: member.id,
        owner_service_account_id: null,
        created_by: member.id,
        revoked_at: null,
      });
      expect(res.body.api_key).toMatch(/^mpk_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/);
      expect((res.body.api_key as string).startsWith(`${res.body.prefix as string}_`)).toBe(true);
      const token = await http().post('/api/v1/auth/token').send({ api_key: res.body.api_key });
      expect(token.status).toBe(200);
      const me = await http().get('/api/v1/me').set('Authorization', `Bearer ${token.body.access_token}`);
      expect(me.body).toMatchObject({ id: member.id, roles: ['member'], tenant: { id: tenant.id } });
    });

    it('should refuse a member creating a key for someone else', async () => {
      const res = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(member.auth)
        .send({ name: 'theirs', user_id: tenantAdmin.id });
      expect(res.status).toBe(403);
      expect(res.body.field).toBe('user_id');
    });

    it('should refuse a viewer creating any key', async () => {
      const viewer = await seed.actor(tenant.id, 'viewer');
      const res = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(viewer.auth)
        .send({ name: 'x' });
      expect(res.status).toBe(403);
    });

    it('should let a tenant admin create a key for a member and revoke it', async () => {
      const created = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(tenantAdmin.auth)
        .send({ name: 'for member', user_id: member.id });
      expect(created.status).toBe(201);
      const revoke = await http()
        .delete(`/api/v1/tenants/${tenant.id}/api-keys/${created.body.id}`)
        .set(tenantAdmin.auth);
      expect(revoke.status).toBe(204);
      const token = await http().post('/api/v1/auth/token').send({ api_key: created.body.api_key });
      expect(token.status).toBe(401);
    });

    it('should let a member revoke its own key but not another’s', async () => {
      const mine = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(member.auth)
        .send({ name: 'mine' });
      const theirs = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(tenantAdmin.auth)
        .send({ name: 'admin key' });
      expect(
        (await http().delete(`/api/v1/tenants/${tenant.id}/api-keys/${theirs.body.id}`).set(member.auth))
          .status,
      ).toBe(403);
      expect(
        (await http().delete(`/api/v1/tenants/${tenant.id}/api-keys/${mine.body.id}`).set(member.auth))
          .status,
      ).toBe(204);
    });

    it('should list keys without any secret, filtered by owner', async () => {
      const created = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(member.auth)
        .send({ name: 'listed' });
      const secret = created.body.api_key as string;
      const all = await http().get(`/api/v1/tenants/${tenant.id}/api-keys`).set(tenantAdmin.auth);
      expect(all.status).toBe(200);
      expect(all.text).not.toContain(secret);
      expect(all.text).not.toContain(secret.slice(-43));
      for (const item of all.body.items) {
        expect(Object.keys(item as object).sort()).toEqual([
          'created_at',
          'created_by',
          'expires_at',
          'id',
          'last_used_at',
          'name',
          'owner_service_account_id',
          'owner_user_id',
          'prefix',
          'revoked_at',
          'tenant_id',
        ]);
      }
      const mine = await http()
        .get(`/api/v1/tenants/${tenant.id}/api-keys?user_id=${member.id}`)
        .set(member.auth);
      expect(
        (mine.body.items as Array<{ owner_user_id: string }>).every((k) => k.owner_user_id === member.id),
      ).toBe(true);
      expect(mine.body.items.length).toBeGreaterThan(0);
    });

    it('should answer 400 naming the field for a past expiry, a bad date or both owners', async () => {
      const past = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(member.auth)
        .send({ name: 'old', expires_at: '2000-01-01T00:00:00Z' });
      expect(past.status).toBe(400);
      expect(past.body.field).toBe('expires_at');
      const bad = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(member.auth)
        .send({ name: 'x', expires_at: 'tomorrow' });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.message)).toContain('expires_at');
      const both = await http()
        .post(`/api/v1/tenants/${tenant.id}/api-keys`)
        .set(tenantAdmin.auth)
        .send({ name: 'x', user_id: member.id, service_account_id: member.id });
      expect(both.status).toBe(400);
    });
  });

  describe('/me', () => {
    it('should describe a user: tenant, roles and permissions', async () => {
      const tenant = await seed.tenant();
      const operator = await seed.actor(tenant.id, 'operator');
      const res = await http().get('/api/v1/me').set(operator.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: operator.id,
        subject_type: 'user',
        email: expect.stringContaining('@example.com'),
        tenant: { id: tenant.id, slug: tenant.slug, status: 'active', is_platform: false },
        roles: ['operator'],
      });
      expect(res.body.permissions).toEqual(
        expect.arrayContaining(['self:read', 'api-keys:write-own', 'policy:gates']),
      );
      expect(res.body.permissions).not.toContain('users:write');
    });

    it('should describe a service account', async () => {
      const tenant = await seed.tenant();
      const sa = await seed.actor(tenant.id, 'service');
      const res = await http().get('/api/v1/me').set(sa.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: sa.id,
        subject_type: 'service_account',
        email: null,
        roles: ['service'],
      });
      expect(res.body.permissions).toContain('quota:admit');
    });
  });

  describe('kubernetes manifests', () => {
    it('should render the tenant’s objects as YAML for members', async () => {
      const tenant = await seed.tenant();
      await http().put(`/api/v1/tenants/${tenant.id}/quota`).set(admin.auth).send(QUOTA);
      const member = await seed.actor(tenant.id, 'member');
      const res = await http().get(`/api/v1/tenants/${tenant.id}/k8s-manifests`).set(member.auth);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/yaml/);
      expect(res.text).toContain(`name: ${tenant.namespace}`);
      expect(res.text).toContain('requests.nvidia.com/gpu: "8"');
      expect(res.text).toContain(`auraison.io/tenant-id: ${tenant.id}`);
      expect(res.text).not.toContain('limits.nvidia.com/gpu');
      for (const kind of ['Namespace', 'ResourceQuota', 'LimitRange', 'RoleBinding'])
        expect(res.text).toContain(`kind: ${kind}`);
    });

    it('should refuse viewers (k8s:read)', async () => {
      const tenant = await seed.tenant();
      const viewer = await seed.actor(tenant.id, 'viewer');
      expect((await http().get(`/api/v1/tenants/${tenant.id}/k8s-manifests`).set(viewer.auth)).status).toBe(
        403,
      );
    });
  });

  describe('pagination', () => {
    let tenant: SeededTenant;
    let tenantAdmin: Actor;

    beforeAll(async () => {
      tenant = await seed.tenant();
      tenantAdmin = await seed.actor(tenant.id, 'tenant_admin');
      // Same created_at for all: the order must still be total (ties broken by id).
      await seed.db.query(
        `INSERT INTO tenant_registry.service_accounts (id, tenant_id, name, created_at)
         SELECT gen_random_uuid(), $1, 'sa-' || n, '2026-01-01T00:00:00.000001Z' FROM generate_series(1, 7) n`,
        [tenant.id],
      );
    });

    it('should walk every item exactly once in a stable order', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/tenants/${tenant.id}/service-accounts?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await http().get(url).set(tenantAdmin.auth);
        expect(res.status).toBe(200);
        seen.push(...(res.body.items as Array<{ id: string }>).map((s) => s.id));
        cursor = res.body.next_cursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(7);
      expect(seen).toEqual([...seen].sort());
      const all = await http().get(`/api/v1/tenants/${tenant.id}/service-accounts`).set(tenantAdmin.auth);
      expect((all.body.items as Array<{ id: string }>).map((s) => s.id)).toEqual(seen);
    });

    it.each([
      ['limit=0', 'limit must not be less than 1'],
      ['limit=201', 'limit must not be greater than 200'],
      ['limit=abc', 'limit must be an integer number'],
      ['cursor=%21%21', 'cursor'],
      ['cursor=' + Buffer.from('["x","y"]').toString('base64url'), 'cursor'],
      ['unknown=1', 'property unknown should not exist'],
    ])('should answer 400 naming the parameter for ?%s', async (query, message) => {
      const res = await http()
        .get(`/api/v1/tenants/${tenant.id}/service-accounts?${query}`)
        .set(tenantAdmin.auth);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(message);
    });
  });

  describe('bad input', () => {
    it.each([
      [
        'an unknown environment',
        { slug: 'env-x', name: 'x', allowed_environments: ['cuda.prod.gpu'] },
        'allowed_environments',
      ],
      [
        'a negative quota',
        { slug: 'neg-x', name: 'x', quota: { ...QUOTA, max_jobs_in_flight: -1 } },
        'quota.max_jobs_in_flight',
      ],
      ['a bad slug', { slug: 'Bad_Slug', name: 'x' }, 'slug'],
      ['an empty name', { slug: 'empty-name', name: '   ' }, 'name'],
      ['a reserved namespace', { slug: 'sys-x', name: 'x', k8s_namespace: 'kube-system' }, 'k8s_namespace'],
      [
        'a namespace that is not a DNS label',
        { slug: 'dns-x', name: 'x', k8s_namespace: 'Not_OK' },
        'k8s_namespace',
      ],
      ['a missing name', { slug: 'no-name' }, 'name'],
      ['an unknown field', { slug: 'unk-x', name: 'x', color: 'red' }, 'color'],
    ])('should answer 400 naming the field for %s', async (_what, body, field) => {
      const res = await http().post('/api/v1/tenants').set(admin.auth).send(body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    });

    it('should answer 409 naming slug or k8s_namespace when they are taken', async () => {
      expect(
        (await http().post('/api/v1/tenants').set(admin.auth).send({ slug: 'taken', name: 'x' })).status,
      ).toBe(201);
      const slug = await http()
        .post('/api/v1/tenants')
        .set(admin.auth)
        .send({ slug: 'taken', name: 'y', k8s_namespace: 'free-ns' });
      expect(slug.status).toBe(409);
      expect(slug.body).toMatchObject({ field: 'slug', message: expect.stringContaining('slug') });
      const ns = await http()
        .post('/api/v1/tenants')
        .set(admin.auth)
        .send({ slug: 'other-slug', name: 'y', k8s_namespace: 'mp-taken' });
      expect(ns.status).toBe(409);
      expect(ns.body.field).toBe('k8s_namespace');
      const [{ n }] = await seed.db.query(
        `SELECT count(*)::int AS n FROM tenant_registry.tenants WHERE slug IN ('other-slug')`,
      );
      expect(n).toBe(0);
    });

    it('should answer 413 for a body over 1 MiB', async () => {
      const res = await http()
        .post('/api/v1/tenants')
        .set(admin.auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ slug: 'big', name: 'x'.repeat(1024 * 1024 + 10) }));
      expect(res.status).toBe(413);
    });

    it('should answer 400 for a body that is not JSON', async () => {
      const res = await http()
        .post('/api/v1/tenants')
        .set(admin.auth)
        .set('Content-Type', 'application/json')
        .send('{"slug":');
      expect(res.status).toBe(400);
    });
  });
});
