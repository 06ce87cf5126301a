// A stand-in for the tenant registry's token signing, for services' tests: an Ed25519 key whose JWKS
// is served on a local port (MP_JWKS_URL) and a token() that signs access tokens the real guard accepts.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';

export type TestRole = 'platform_admin' | 'tenant_admin' | 'operator' | 'member' | 'viewer' | 'service';

export interface TestTokenClaims {
  tenantId: string;
  roles: TestRole[];
  subject?: string;
  subjectType?: 'user' | 'service_account';
  /** Lifetime in seconds (negative for an already expired token). Default 900. */
  ttlSeconds?: number;
  /** A member of the platform tenant (acts across tenants with its role's permissions). */
  platform?: boolean;
}

export interface TestIssuer {
  /** Pass as MP_JWKS_URL. */
  jwksUrl: string;
  /** Pass as MP_AUTH_ISSUER. */
  issuer: string;
  /** The environment to boot a service with so it trusts this issuer. */
  env: { MP_JWKS_URL: string; MP_AUTH_ISSUER: string };
  token(claims: TestTokenClaims): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(issuer = 'test-tenant-registry'): Promise<TestIssuer> {
  const kid = randomUUID();
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }] });
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  return {
    jwksUrl,
    issuer,
    env: { MP_JWKS_URL: jwksUrl, MP_AUTH_ISSUER: issuer },
    token: async (claims) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        tenant_id: claims.tenantId,
        roles: claims.roles,
        typ: claims.subjectType ?? 'user',
        ...(claims.platform ? { platform: true } : {}),
      })
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setSubject(claims.subject ?? randomUUID())
        .setIssuer(issuer)
        .setAudience('auraison-mp')
        .setIssuedAt(now)
        .setExpirationTime(now + (claims.ttlSeconds ?? 900))
        .setJti(randomUUID())
        .sign(privateKey);
    },
    close: async () =>
      new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
