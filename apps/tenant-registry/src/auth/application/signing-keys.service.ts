// The registry's EdDSA (Ed25519) signing keys. One key signs; after a rotation the previous keys stay
// in the JWKS until every token they signed has expired, so rotation never logs anyone out.
import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { KeySource } from '@auraison/auth';
import { importJWK, type JWK } from 'jose';
import { SigningKeyRepository, type SigningKeyRow } from '../persistence/signing-key.repository.js';

/** Access tokens live this long (seconds). */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** Keys stay published this long after retirement: the token lifetime plus clock skew. */
const RETIRED_KEY_GRACE_MS = (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;

export interface ActiveSigningKey {
  kid: string;
  privateKey: KeyObject;
}

type VerificationKey = Awaited<ReturnType<KeySource['getKey']>>;

@Injectable()
export class SigningKeysService implements KeySource {
  private active: ActiveSigningKey | undefined;
  private verification = new Map<string, VerificationKey>();

  constructor(private readonly keys: SigningKeyRepository) {}

  /** The key to sign with, created on first use (safe when several replicas race). */
  async signingKey(): Promise<ActiveSigningKey> {
    if (this.active) return this.active;
    let row = await this.keys.active();
    if (!row) {
      await this.keys.insertActive(newKeyMaterial());
      row = await this.keys.active();
    }
    if (!row) throw new Error('no active signing key after creating one');
    this.active = { kid: row.kid, privateKey: createPrivateKey({ key: row.privateKeyPkcs8, format: 'pem' }) };
    return this.active;
  }

  /** The JWKS document: public keys only. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const rows = await this.keys.verifiable(new Date(Date.now() - RETIRED_KEY_GRACE_MS));
    return { keys: rows.map((r) => ({ ...(r.publicJwk as JWK), kid: r.kid, alg: 'EdDSA', use: 'sig' })) };
  }

  /** Starts signing with a new key; the old one stays verifiable until its tokens expire. */
  async rotate(): Promise<string> {
    const next = newKeyMaterial();
    await this.keys.rotate(next);
    this.active = undefined;
    this.verification.clear();
    return next.kid;
  }

  /** KeySource for verifying tokens inside the registry itself, without an HTTP round trip. */
  async getKey(kid: string): Promise<VerificationKey> {
    const known = this.verification.get(kid);
    if (known) return known;
    const row = (await this.keys.verifiable(new Date(Date.now() - RETIRED_KEY_GRACE_MS))).find(
      (r) => r.kid === kid,
    );
    if (!row) return undefined;
    const key = (await importJWK(row.publicJwk as JWK, 'EdDSA')) as VerificationKey;
    this.verification.set(kid, key);
    return key;
  }
}

function newKeyMaterial(): Omit<SigningKeyRow, 'createdAt' | 'retiredAt'> & {
  publicJwk: Record<string, unknown>;
} {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = exportJWKSync(publicKey);
  return {
    kid: randomUUID(),
    publicJwk: jwk,
    privateKeyPkcs8: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

// Node exports an Ed25519 public key as an OKP JWK directly (what jose's exportJWK does too).
function exportJWKSync(key: KeyObject): Record<string, unknown> {
  const { kty, crv, x } = key.export({ format: 'jwk' });
  return { kty, crv, x };
}
