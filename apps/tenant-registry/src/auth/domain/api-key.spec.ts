import { describe, expect, it } from '@jest/globals';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key.js';

describe('api keys', () => {
  it('should generate a parseable key whose secret matches its stored hash', () => {
    const key = generateApiKey();
    expect(key.token).toMatch(/^mpk_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseApiKey(key.token)!;
    expect(parsed.prefix).toBe(key.prefix);
    expect(secretMatches(parsed.secret, key.secretHash)).toBe(true);
  });

  it('should never generate the same key twice', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => generateApiKey().token));
    expect(tokens.size).toBe(200);
  });

  it('should not match a different secret', () => {
    const key = generateApiKey();
    const other = parseApiKey(generateApiKey().token)!;
    expect(secretMatches(other.secret, key.secretHash)).toBe(false);
    expect(secretMatches('short', key.secretHash)).toBe(false);
  });

  it.each([
    '',
    'mpk_',
    'Bearer x',
    'mpk_ABCDEFGHIJKL_' + 'a'.repeat(43),
    'mpk_abcdefghijkl_' + 'a'.repeat(42),
  ])('should refuse a malformed key %j', (token) => {
    expect(parseApiKey(token)).toBeUndefined();
  });

  it('should hash deterministically', () => {
    expect(hashSecret('x').equals(hashSecret('x'))).toBe(true);
  });
});
