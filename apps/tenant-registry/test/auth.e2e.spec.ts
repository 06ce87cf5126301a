import { randomUUID, generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import type { Role } from '@auraison/auth';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { TokenIssuer } from '../src/auth/application/token-issuer.service.js';
import { generateApiKey, parseApiKey } from '../src/auth/domain/api-key.js';
import { MAX_FAILURES_PER_PREFIX } from '../src/auth/domain/rate-limit.js';
import { tenantRegistryService } from '../src/service.js';

const ADMIN_KEY = generateApiKey().token;

class LogCapture extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  text(): string {
    return this.chunks.join('');
  }
}

describe('tenant-registry tokens and authentication (real PostgreSQL and NATS)', () => {
  let service: BootedService;
  let db: DataSource;
  const logs = new LogCapture();

  /** A tenant with one user of `role` and an API key for them, straight into the tables. */
  async function seed(
    options: { role?: Role; revoked?: boolean; expired?: boolean; suspended?: boolean } = {},
  ) {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const slug = `t-${tenantId.slice(0, 8)}`;
    await db.query(
      `INSERT INTO tenant_registry.tenants (id, slug, name, k8s_namespace, status) VALUES ($1, $2, $2, $3, $4)`,
      [tenantId, slug, `mp-${slug}`, options.suspended ? 'suspended' : 'active'],
    );
    await db.query(`INSERT INTO tenant_registry.users (id, email) VALUES ($1, $2)`, [
      userId,
      `${userId}@example.com`,
    ]);
    await db.query(`INSERT INTO tenant_registry.memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)`, [
      tenantId,
      userId,
      options.role ?? 'tenant_admin',
    ]);
    const key = generateApiKey();
    await db.query(
      `INSERT INTO tenant_registry.api_keys (id, tenant_id, prefix, secret_hash, name, owner_user_id, revoked_at, expires_at)
       VALUES ($1, $2, $3, $4, 'test', $5, $6, $7)`,
      [
        randomUUID(),
        tenantId,
        key.prefix,
        key.secretHash,
        userId,
        options.revoked ? new Date() : null,
        options.expired ? new Date(Date.now() - 1000) : null,
      ],
    );
    return { tenantId, userId, apiKey: key.token };
  }

  async function exchange(apiKey: string, from = '127.0.0.1') {
    return service.http.post('/api/v1/auth/token').set('X-Forwarded-For', from).send({ api_key: apiKey });
  }

  async function adminToken(): Promise<string> {
    const res = await exchange(ADMIN_KEY);
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }

  const rotate = (token?: string) => {
    const req = service.http.post('/api/v1/auth/keys/rotate');
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };

  beforeAll(async () => {
    service = await bootTestService(tenantRegistryService, {
      // Trust X-Forwarded-For so tests can act from several client addresses.
      env: { MP_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'debug', HTTP_TRUST_PROXY: 'true' },
      logDestination: logs,
    });
    db = service.app.get(DataSource);
  });

  afterAll(async () => {
    await service?.close();
  });

  describe('bootstrap', () => {
    it('should install the platform admin key from MP_BOOTSTRAP_ADMIN_KEY on first start', async () => {
      const res = await exchange(ADMIN_KEY);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, roles: ['platform_admin'] });
      const [platform] = await db.query<Array<{ id: string }>>(
        `SELECT id FROM tenant_registry.tenants WHERE is_platform`,
      );
      expect(res.body.tenant_id).toBe(platform!.id);
    });

    it('should not create a second admin when the database already has users', async () => {
      const again = await service.app
        .get((await import('../src/auth/application/bootstrap-admin.service.js')).BootstrapAdmin)
        .run();
      expect(again).toBeUndefined();
    });
  });

  describe('POST /api/v1/auth/token', () => {
    it('should issue an EdDSA token with sub, tenant_id, roles and exp', async () => {
      const { tenantId, userId, apiKey } = await seed({ role: 'operator' });
      const res = await exchange(apiKey);
      expect(res.status).toBe(200);
      const header = decodeProtectedHeader(res.body.access_token as string);
      expect(header.alg).toBe('EdDSA');
      const claims = decodeJwt(res.body.access_token as string);
      expect(claims).toMatchObject({ sub: userId, tenant_id: tenantId, roles: ['operator'], typ: 'user' });
      expect(claims.exp! - claims.iat!).toBe(900);
      const [{ last_used_at }] = await db.query<[{ last_used_at: Date | null }]>(
        `SELECT last_used_at FROM tenant_registry.api_keys WHERE owner_user_id = $1`,
        [userId],
      );
      expect(last_used_at).not.toBeNull();
    });

    it.each([
      ['a revoked key', { revoked: true }, 'API key revoked'],
      ['an expired key', { expired: true }, 'API key expired'],
      ['a suspended tenant', { suspended: true }, 'tenant suspended'],
    ])('should answer 401 for %s', async (_what, options, message) => {
      const { apiKey } = await seed(options);
      const res = await exchange(apiKey);
      expect(res.status).toBe(401);
      expect(res.body.message).toBe(message);
    });

    it('should answer the same for an unknown key and a wrong secret', async () => {
      const { apiKey } = await seed();
      const wrongSecret = apiKey.slice(0, -4) + (apiKey.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      const unknown = generateApiKey().token;
      const [a, b] = [await exchange(wrongSecret, '10.0.0.1'), await exchange(unknown, '10.0.0.2')];
      expect([a.status, b.status]).toEqual([401, 401]);
      expect(a.body.message).toBe(b.body.message);
    });

    it('should name the field when the body is malformed', async () => {
      const res = await service.http.post('/api/v1/auth/token').send({ key: 'x' });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toMatch(/api_key/);
    });

    it('should rate-limit failed exchanges per key prefix, even for the right secret afterwards', async () => {
      const { apiKey } = await seed();
      const wrong = apiKey.slice(0, -4) + (apiKey.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      for (let i = 0; i < MAX_FAILURES_PER_PREFIX; i++) {
        // Different addresses, so only the prefix limit applies.
        expect((await exchange(wrong, `10.1.0.${i + 1}`)).status).toBe(401);
      }
      const limited = await exchange(apiKey, '10.1.1.1');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('should rate-limit failed exchanges per client address', async () => {
      for (let i = 0; i < 30; i++)
        expect((await exchange(generateApiKey().token, '10.2.0.1')).status).toBe(401);
      const { apiKey } = await seed();
      expect((await exchange(apiKey, '10.2.0.1')).status).toBe(429);
      expect((await exchange(apiKey, '10.2.0.2')).status).toBe(200);
    });
  });

  describe('the guard', () => {
    it('should answer 401 without a token or with a malformed header', async () => {
      expect((await rotate()).status).toBe(401);
      const res = await service.http.post('/api/v1/auth/keys/rotate').set('Authorization', 'Basic abc');
      expect(res.status).toBe(401);
    });

    it('should answer 401 for an expired token', async () => {
      const expired = await service.app
        .get(TokenIssuer)
        .issue(
          { subject: randomUUID(), subjectType: 'user', tenantId: randomUUID(), roles: ['platform_admin'] },
          -120,
        );
      const res = await rotate(expired.accessToken);
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('token expired');
    });

    it('should answer 401 for a token signed by another key under a known kid', async () => {
      const real = await adminToken();
      const { kid } = decodeProtectedHeader(real);
      const claims = decodeJwt(real);
      const { privateKey } = generateKeyPairSync('ed25519');
      const forged = await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'EdDSA', kid: kid! })
        .sign(privateKey);
      expect((await rotate(forged)).status).toBe(401);
    });

    it('should answer 401 for alg none and for HS256 keyed with the public key', async () => {
      const real = await adminToken();
      const [, payload] = real.split('.');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: decodeProtectedHeader(real).kid })).toString('base64url')}.${payload}.`;
      expect((await rotate(none)).status).toBe(401);
      const jwks = (await service.http.get('/.well-known/jwks.json')).body as { keys: Array<{ x: string }> };
      const hs = await new SignJWT(decodeJwt(real))
        .setProtectedHeader({ alg: 'HS256', kid: decodeProtectedHeader(real).kid! })
        .sign(Buffer.from(jwks.keys[0]!.x));
      expect((await rotate(hs)).status).toBe(401);
    });

    it('should answer 403 when the role lacks the permission', async () => {
      const { apiKey } = await seed({ role: 'viewer' });
      const token = (await exchange(apiKey)).body.access_token as string;
      const res = await rotate(token);
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/auth:rotate-keys/);
    });

    it("should refuse a suspended tenant's still-valid token at once", async () => {
      const { tenantId, apiKey } = await seed({ role: 'tenant_admin' });
      const token = (await exchange(apiKey)).body.access_token as string;
      await db.query(`UPDATE tenant_registry.tenants SET status = 'suspended' WHERE id = $1`, [tenantId]);
      await new Promise((r) => setTimeout(r, 2100)); // the status cache lives 2 s
      const res = await service.http.get('/api/docs/openapi.json'); // public: unaffected
      expect(res.status).toBe(200);
      const denied = await service.http
        .post('/api/v1/auth/keys/rotate')
        .set('Authorization', `Bearer ${token}`);
      expect(denied.status).toBe(401);
    });
  });

  describe('platform-wide service accounts', () => {
    it("should let the platform tenant's service account read another tenant, and nothing more", async () => {
      const [platform] = await db.query<Array<{ id: string }>>(
        `SELECT id FROM tenant_registry.tenants WHERE is_platform`,
      );
      const saId = randomUUID();
      await db.query(
        `INSERT INTO tenant_registry.service_accounts (id, tenant_id, name, role) VALUES ($1, $2, 'eval-loop', 'service')`,
        [saId, platform!.id],
      );
      const key = generateApiKey();
      await db.query(
        `INSERT INTO tenant_registry.api_keys (id, tenant_id, prefix, secret_hash, name, owner_service_account_id)
         VALUES ($1, $2, $3, $4, 'eval-loop', $5)`,
        [randomUUID(), platform!.id, key.prefix, key.secretHash, saId],
      );
      const res = await exchange(key.token);
      expect(res.status).toBe(200);
      const token = res.body.access_token as string;
      expect(decodeJwt(token)).toMatchObject({ platform: true, roles: ['service'], typ: 'service_account' });

      const other = await seed();
      const read = await service.http
        .get(`/api/v1/tenants/${other.tenantId}`)
        .set('Authorization', `Bearer ${token}`);
      expect(read.status).toBe(200);
      const write = await service.http
        .patch(`/api/v1/tenants/${other.tenantId}`)
        .set('Authorization', `Bearer ${token}`)
        .send({ name: 'taken over' });
      expect(write.status).toBe(403);
      expect((await rotate(token)).status).toBe(403);
    });

    it("should keep an ordinary tenant's tokens inside their tenant", async () => {
      const mine = await seed({ role: 'tenant_admin' });
      const other = await seed();
      const token = (await exchange(mine.apiKey)).body.access_token as string;
      expect(decodeJwt(token).platform).toBeUndefined();
      const res = await service.http
        .get(`/api/v1/tenants/${other.tenantId}`)
        .set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(404);
    });
  });

  describe('key rotation', () => {
    it('should keep tokens signed by the old key valid and publish both keys', async () => {
      const before = await adminToken();
      const oldKid = decodeProtectedHeader(before).kid;
      const res = await rotate(before);
      expect(res.status).toBe(200);
      const newKid = res.body.kid as string;
      expect(newKid).not.toBe(oldKid);
      const kids = (
        (await service.http.get('/.well-known/jwks.json')).body as { keys: Array<{ kid: string }> }
      ).keys.map((k) => k.kid);
      expect(kids).toEqual(expect.arrayContaining([oldKid, newKid]));
      const after = await adminToken();
      expect(decodeProtectedHeader(after).kid).toBe(newKid);
      // The old token still works (its key is still published).
      expect((await rotate(before)).status).toBe(200);
    });

    it('should publish public keys only', async () => {
      const jwks = (await service.http.get('/.well-known/jwks.json')).body as {
        keys: Array<Record<string, unknown>>;
      };
      for (const key of jwks.keys) {
        expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
        expect(key).not.toHaveProperty('d');
      }
    });
  });

  it('should never write an API key or an access token to the logs', async () => {
    const { apiKey } = await seed();
    const token = (await exchange(apiKey)).body.access_token as string;
    await service.http.post('/api/v1/auth/keys/rotate').set('Authorization', `Bearer ${token}`);
    await exchange(apiKey.slice(0, -2) + 'xx');
    await new Promise((r) => setTimeout(r, 200)); // let the async log destination flush
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    // The secret part (it may itself contain underscores).
    expect(text).not.toContain(parseApiKey(apiKey)!.secret);
    expect(text).not.toContain(parseApiKey(ADMIN_KEY)!.secret);
    expect(text).not.toContain(token);
  });
});
