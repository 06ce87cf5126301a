import { describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startTestIssuer } from '../src/index.js';

describe('startTestIssuer', () => {
  it('should sign tokens that verify against the JWKS it serves', async () => {
    const issuer = await startTestIssuer();
    try {
      const token = await issuer.token({
        tenantId: '11111111-1111-4111-8111-111111111111',
        roles: ['viewer'],
      });
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUrl)), {
        issuer: issuer.issuer,
        audience: 'auraison-mp',
        algorithms: ['EdDSA'],
      });
      expect(payload).toMatchObject({
        tenant_id: '11111111-1111-4111-8111-111111111111',
        roles: ['viewer'],
        typ: 'user',
      });
    } finally {
      await issuer.close();
    }
  });
});
