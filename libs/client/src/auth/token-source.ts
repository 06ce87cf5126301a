// Access tokens for the plane's APIs. An API key (`mpk_...`, shown once when it was created) is
// exchanged at the tenant registry (`POST /api/v1/auth/token`) for a short-lived JWT, which is renewed
// before it expires; concurrent callers share one exchange, and a token the server refused is dropped so
// the next call exchanges again.

/** Where calls get their bearer token. */
export interface TokenSource {
  /** A token valid now. */
  token(): Promise<string>;
  /** The server refused the token (UNAUTHENTICATED / 401): forget it. */
  invalidate(): void;
}

/** A fixed token (tests, or a token obtained elsewhere). */
export class StaticTokenSource implements TokenSource {
  constructor(private readonly value: string) {}
  async token(): Promise<string> {
    return Promise.resolve(this.value);
  }
  invalidate(): void {
    // nothing to refresh
  }
}

export interface AccessToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  tenantId: string;
  roles: string[];
}

export interface ApiKeyTokenSourceOptions {
  /** Base URL of the tenant registry, e.g. `http://127.0.0.1:3001`. */
  registryUrl: string;
  /** The API key (`mpk_<prefix>_<secret>`). Never logged. */
  apiKey: string;
  /** Renew this long before expiry (default 60 s; at most half the token's life). */
  renewBeforeMs?: number;
  /** Timeout of one exchange (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** The exchange failed: `status` is the registry's HTTP status (0 when it could not be reached). */
export class TokenExchangeError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'TokenExchangeError';
  }
}

const API_KEY = /^mpk_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/;

/** True when `value` looks like an API key of the tenant registry. */
export function looksLikeApiKey(value: string): boolean {
  return API_KEY.test(value.trim());
}

export class ApiKeyTokenSource implements TokenSource {
  private current: (AccessToken & { lifetimeMs: number }) | undefined;
  private pending: Promise<AccessToken> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ApiKeyTokenSourceOptions) {
    if (!options.apiKey) throw new TokenExchangeError('no API key given', 0);
    this.now = options.now ?? Date.now;
  }

  async token(): Promise<string> {
    return (await this.accessToken()).accessToken;
  }

  /** The current token with its tenant, roles and expiry (exchanging the key when needed). */
  async accessToken(): Promise<AccessToken> {
    const c = this.current;
    // Renew a minute before expiry, or at half the life of a token shorter than two minutes.
    if (c) {
      const life = c.expiresAt - this.now();
      const renewBefore = Math.min(this.options.renewBeforeMs ?? 60_000, c.lifetimeMs / 2);
      if (life > renewBefore) return c;
    }
    this.pending ??= this.exchange().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(): void {
    this.current = undefined;
  }

  private async exchange(): Promise<AccessToken> {
    const url = `${this.options.registryUrl.replace(/\/+$/, '')}/api/v1/auth/token`;
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ api_key: this.options.apiKey.trim() }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw new TokenExchangeError(
        `cannot reach the tenant registry at ${url} (${(e as Error).message}): is it running, and is the URL right?`,
        0,
      );
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) {
      const reason = typeof body.message === 'string' ? body.message : res.statusText || 'no reason given';
      const hint =
        res.status === 401
          ? ': the API key is wrong, revoked or expired, or its tenant is suspended'
          : res.status === 429
            ? `: too many failed attempts, retry after ${res.headers.get('retry-after') ?? 'a while'} s`
            : '';
      throw new TokenExchangeError(
        `the tenant registry refused the API key (HTTP ${res.status}: ${reason})${hint}`,
        res.status,
      );
    }
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number')
      throw new TokenExchangeError(
        'the tenant registry answered without access_token / expires_in',
        res.status,
      );
    this.current = {
      accessToken: body.access_token,
      expiresAt: this.now() + body.expires_in * 1000,
      lifetimeMs: body.expires_in * 1000,
      tenantId: typeof body.tenant_id === 'string' ? body.tenant_id : '',
      roles: Array.isArray(body.roles) ? body.roles.filter((r): r is string => typeof r === 'string') : [],
    };
    return this.current;
  }
}
