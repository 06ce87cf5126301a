// Verifies access tokens locally from the tenant registry's JWKS (DESIGN §6). A signature check costs
// more than a policy answer (TOOLCHAIN 20), so each token is verified once and its principal cached
// until the token expires.
import { createHash } from 'node:crypto';
import { decodeProtectedHeader, errors, importJWK, jwtVerify, type JWK } from 'jose';
import { AuthError } from './errors.js';
import { principalFromClaims, TOKEN_AUDIENCE, type Principal } from './principal.js';

/** The only signature algorithm accepted; anything else (including `none`) is refused before any work. */
export const TOKEN_ALGORITHM = 'EdDSA';

type VerificationKey = Parameters<typeof jwtVerify>[1];

/** Where verification keys come from: the JWKS over HTTP, or the registry's own key store. */
export interface KeySource {
  getKey(kid: string): Promise<VerificationKey | undefined>;
}

export interface JwksKeySourceOptions {
  /** e.g. http://tenant-registry:3001/.well-known/jwks.json */
  url: string;
  /** Re-read the JWKS at most this often when a token names an unknown `kid` (default 10 s). */
  unknownKidCooldownMs?: number;
  /** Re-read the JWKS in any case after this long (default 5 min). */
  maxAgeMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Keys from a JWKS URL, cached; refreshed on an unknown `kid` (key rotation) and periodically. */
export class JwksKeySource implements KeySource {
  private keys = new Map<string, VerificationKey>();
  private fetchedAt = -Infinity;
  private inflight: Promise<void> | undefined;

  constructor(private readonly options: JwksKeySourceOptions) {}

  async getKey(kid: string): Promise<VerificationKey | undefined> {
    const now = (this.options.now ?? Date.now)();
    const age = now - this.fetchedAt;
    const stale = age > (this.options.maxAgeMs ?? 5 * 60_000);
    const unknownMayRefresh = !this.keys.has(kid) && age > (this.options.unknownKidCooldownMs ?? 10_000);
    if (stale || unknownMayRefresh) {
      try {
        await this.refresh();
      } catch (e) {
        // Keep serving the keys we have when the registry is briefly unreachable.
        if (this.keys.size === 0)
          throw new AuthError('unauthenticated', `cannot fetch signing keys: ${(e as Error).message}`);
      }
    }
    return this.keys.get(kid);
  }

  private async refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(): Promise<void> {
    const res = await (this.options.fetch ?? fetch)(this.options.url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`GET ${this.options.url} answered ${res.status}`);
    const body = (await res.json()) as { keys?: JWK[] };
    const keys = new Map<string, VerificationKey>();
    for (const jwk of body.keys ?? []) {
      if (!jwk.kid || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') continue;
      keys.set(jwk.kid, await importJWK(jwk, TOKEN_ALGORITHM));
    }
    this.keys = keys;
    this.fetchedAt = (this.options.now ?? Date.now)();
  }
}

export interface TokenVerifierOptions {
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud` (default `auraison-mp`). */
  audience?: string;
  /** Allowed clock skew in seconds (default 5). */
  clockToleranceSeconds?: number;
  /** Verified tokens kept (default 10 000). */
  cacheSize?: number;
  now?: () => number;
}

export class TokenVerifier {
  private readonly cache = new Map<string, Principal>();

  constructor(
    private readonly keys: KeySource,
    private readonly options: TokenVerifierOptions,
  ) {}

  /** The principal of a valid token; throws AuthError('unauthenticated') saying why otherwise. */
  async verify(token: string): Promise<Principal> {
    const nowSeconds = Math.floor((this.options.now ?? Date.now)() / 1000);
    const cacheKey = createHash('sha256').update(token).digest('base64url');
    const cached = this.cache.get(cacheKey);
    if (cached) {
      if (cached.expiresAt > nowSeconds) return cached;
      this.cache.delete(cacheKey);
    }
    const principal = await this.verifyUncached(token);
    this.remember(cacheKey, principal);
    return principal;
  }

  private async verifyUncached(token: string): Promise<Principal> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new AuthError('unauthenticated', 'malformed token');
    }
    if (header.alg !== TOKEN_ALGORITHM)
      throw new AuthError('unauthenticated', `token algorithm must be ${TOKEN_ALGORITHM}`);
    if (!header.kid) throw new AuthError('unauthenticated', 'token has no key id');
    const key = await this.keys.getKey(header.kid);
    if (!key) throw new AuthError('unauthenticated', 'token signed by an unknown key');
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: this.options.issuer,
        audience: this.options.audience ?? TOKEN_AUDIENCE,
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        ...(this.options.now ? { currentDate: new Date(this.options.now()) } : {}),
      });
      const principal = principalFromClaims(payload);
      if (!principal) throw new AuthError('unauthenticated', 'token claims are malformed');
      return principal;
    } catch (e) {
      if (e instanceof AuthError) throw e;
      if (e instanceof errors.JWTExpired) throw new AuthError('unauthenticated', 'token expired');
      throw new AuthError('unauthenticated', 'invalid token');
    }
  }

  private remember(key: string, principal: Principal): void {
    // Bounded: drop the oldest entry (Map keeps insertion order).
    if (this.cache.size >= (this.options.cacheSize ?? 10_000)) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, principal);
  }
}
