// For the plane's own components (and the control plane's client): exchanges an API key for access
// tokens at the tenant registry and keeps one fresh, renewing it a minute before it expires. Concurrent
// callers share one exchange.

export interface ServiceTokenOptions {
  /** Base URL of the tenant registry, e.g. http://tenant-registry:3001 */
  registryUrl: string;
  /** An API key (`mpk_...`) of a service account. */
  apiKey: string;
  /** Renew this long before expiry (default 60 s). */
  renewBeforeMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export class ServiceTokenError extends Error {}

export class ServiceTokenProvider {
  private current: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: ServiceTokenOptions) {}

  /** A valid access token (exchanging the API key when needed). */
  async token(): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    if (this.current && this.current.expiresAt - (this.options.renewBeforeMs ?? 60_000) > now)
      return this.current.token;
    this.pending ??= this.exchange().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forget the token (e.g. after a 401), so the next call exchanges again. */
  invalidate(): void {
    this.current = undefined;
  }

  private async exchange(): Promise<string> {
    const url = `${this.options.registryUrl.replace(/\/$/, '')}/api/v1/auth/token`;
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api_key: this.options.apiKey }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (e) {
      throw new ServiceTokenError(`cannot reach the tenant registry at ${url}: ${(e as Error).message}`);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { message?: unknown };
      throw new ServiceTokenError(
        `the tenant registry refused the API key (HTTP ${res.status}: ${typeof body.message === 'string' ? body.message : 'no reason given'})`,
      );
    }
    const body = (await res.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number')
      throw new ServiceTokenError('the tenant registry answered without access_token / expires_in');
    this.current = {
      token: body.access_token,
      expiresAt: (this.options.now ?? Date.now)() + body.expires_in * 1000,
    };
    return body.access_token;
  }
}
