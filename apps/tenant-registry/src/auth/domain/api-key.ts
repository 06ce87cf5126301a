// API keys: `mpk_<prefix>_<secret>`. The prefix identifies the key (stored in clear, shown in lists);
// the secret is 256 random bits, shown once and stored only as its SHA-256 (a slow hash adds nothing
// against a random 256-bit secret, and token exchange stays cheap).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const FORMAT = /^mpk_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  /** The whole key, shown to its owner once. */
  token: string;
  prefix: string;
  secretHash: Buffer;
}

function randomBase32(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = randomBase32(12);
  const secret = randomBytes(32).toString('base64url');
  return { token: `mpk_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

/** Splits a presented key; undefined when it is not shaped like one of ours. */
export function parseApiKey(token: string): { prefix: string; secret: string } | undefined {
  const m = FORMAT.exec(token.trim());
  return m ? { prefix: m[1]!, secret: m[2]! } : undefined;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const presented = hashSecret(secret);
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
}

/** A printable id for logs and lists, never the secret: `mpk_abcd...`. */
export function displayPrefix(prefix: string): string {
  return `mpk_${prefix}`;
}
