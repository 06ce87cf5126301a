import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { exportJWK, SignJWT } from 'jose';
import { AuthError } from './errors.js';
import { JwksKeySource, TokenVerifier, type KeySource } from './token-verifier.js';

const ISSUER = 'test-issuer';
const TENANT = '11111111-1111-4111-8111-111111111111';
const USER = '33333333-3333-4333-8333-333333333333';

function keyPair(kid = randomUUID()) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { kid, publicKey, privateKey };
}

async function sign(key: ReturnType<typeof keyPair>, claims: Record<string, unknown> = {}, ttl = 900) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tenant_id: TENANT, roles: ['operator'], typ: 'user', ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setSubject(USER)
    .setIssuer(typeof claims.iss === 'string' ? claims.iss : ISSUER)
    .setAudience('auraison-mp')
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

class CountingKeys implements KeySource {
  lookups = 0;
  constructor(private readonly keys: Array<ReturnType<typeof keyPair>>) {}
  async getKey(kid: string) {
    this.lookups++;
    return Promise.resolve(this.keys.find((k) => k.kid === kid)?.publicKey);
  }
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(AuthError);
    return (e as AuthError).message;
  }
  throw new Error('expected a failure');
}

describe('TokenVerifier', () => {
  it('should turn a valid token into its principal', async () => {
    const key = keyPair();
    const verifier = new TokenVerifier(new CountingKeys([key]), { issuer: ISSUER });
    await expect(verifier.verify(await sign(key))).resolves.toMatchObject({
      subject: USER,
      subjectType: 'user',
      tenantId: TENANT,
      roles: ['operator'],
    });
  });

  it('should verify a token once and answer later checks from the cache', async () => {
    const key = keyPair();
    const keys = new CountingKeys([key]);
    const verifier = new TokenVerifier(keys, { issuer: ISSUER });
    const token = await sign(key);
    for (let i = 0; i < 5; i++) await verifier.verify(token);
    expect(keys.lookups).toBe(1);
  });

  it('should refuse a cached token once it has expired', async () => {
    const key = keyPair();
    let now = Date.now();
    const verifier = new TokenVerifier(new CountingKeys([key]), {
      issuer: ISSUER,
      now: () => now,
      clockToleranceSeconds: 0,
    });
    const token = await sign(key, {}, 60);
    await verifier.verify(token);
    now += 61_000;
    expect(await failure(verifier.verify(token))).toBe('token expired');
  });

  it.each([
    ['a wrong issuer', { iss: 'someone-else' }],
    ['an unknown role', { roles: ['god'] }],
    ['a tenant id that is not a UUID', { tenant_id: 'acme' }],
  ])('should refuse %s', async (_what, claims) => {
    const key = keyPair();
    const verifier = new TokenVerifier(new CountingKeys([key]), { issuer: ISSUER });
    await failure(verifier.verify(await sign(key, claims)));
  });

  it('should refuse a token from an unknown key and garbage', async () => {
    const verifier = new TokenVerifier(new CountingKeys([keyPair()]), { issuer: ISSUER });
    expect(await failure(verifier.verify(await sign(keyPair())))).toBe('token signed by an unknown key');
    expect(await failure(verifier.verify('not.a.jwt'))).toBe('malformed token');
  });

  it('should bound its cache', async () => {
    const key = keyPair();
    const keys = new CountingKeys([key]);
    const verifier = new TokenVerifier(keys, { issuer: ISSUER, cacheSize: 2 });
    const [t1, t2, t3] = [await sign(key), await sign(key), await sign(key)];
    for (const t of [t1, t2, t3, t1]) await verifier.verify(t);
    expect(keys.lookups).toBe(4); // t1 was evicted by t3
  });
});

describe('JwksKeySource', () => {
  async function jwksOf(...keys: Array<ReturnType<typeof keyPair>>) {
    return {
      keys: await Promise.all(keys.map(async (k) => ({ ...(await exportJWK(k.publicKey)), kid: k.kid }))),
    };
  }

  it('should refetch on an unknown kid (key rotation), at most once per cooldown', async () => {
    const first = keyPair();
    const second = keyPair();
    let published = [first];
    let fetches = 0;
    let now = 0;
    const source = new JwksKeySource({
      url: 'http://registry/.well-known/jwks.json',
      now: () => now,
      unknownKidCooldownMs: 10_000,
      fetch: async () => {
        fetches++;
        return new Response(JSON.stringify(await jwksOf(...published)));
      },
    });
    expect(await source.getKey(first.kid)).toBeDefined();
    expect(fetches).toBe(1);
    published = [first, second];
    now = 1000;
    expect(await source.getKey(second.kid)).toBeUndefined(); // inside the cooldown: no refetch
    expect(fetches).toBe(1);
    now = 11_000;
    expect(await source.getKey(second.kid)).toBeDefined();
    expect(fetches).toBe(2);
  });

  it('should keep serving known keys when the registry is unreachable', async () => {
    const key = keyPair();
    let up = true;
    let now = 0;
    const source = new JwksKeySource({
      url: 'http://registry/.well-known/jwks.json',
      now: () => now,
      maxAgeMs: 1000,
      fetch: async () => {
        if (!up) throw new Error('connection refused');
        return new Response(JSON.stringify(await jwksOf(key)));
      },
    });
    await source.getKey(key.kid);
    up = false;
    now = 5000;
    expect(await source.getKey(key.kid)).toBeDefined();
  });
});
