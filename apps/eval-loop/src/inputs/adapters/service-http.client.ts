// GET JSON from another service of the plane with eval-loop's service token (a service account of the
// platform tenant, so it reads every tenant). 401 renews the token once; 429, 5xx and network errors
// are retried with backoff; anything else is an error naming the service, the path and the status.
import { type ServiceTokenProvider } from '@auraison/auth';
import { exponentialDelay, sleep } from '@auraison/messaging';

export class ServiceCallError extends Error {
  constructor(
    message: string,
    /** HTTP status, when the service answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ServiceCallError';
  }
}

export interface ServiceHttpOptions {
  /** Service name for messages, e.g. `observability-store`. */
  service: string;
  baseUrl: string;
  /** Undefined when MP_SERVICE_API_KEY is not configured. */
  tokens?: ServiceTokenProvider;
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

export class ServiceHttpClient {
  constructor(private readonly options: ServiceHttpOptions) {}

  async getJson<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const tokens = this.options.tokens;
    if (!tokens)
      throw new ServiceCallError(
        `MP_SERVICE_API_KEY is not set: eval-loop has no service account to read ${this.options.service}`,
      );
    const url = new URL(path, this.options.baseUrl.replace(/\/?$/, '/'));
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const attempts = this.options.attempts ?? 4;
    const where = `${this.options.service} GET ${url.pathname}`;
    let renewed = false;
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          headers: { authorization: `Bearer ${await tokens.token()}`, accept: 'application/json' },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (e) {
        last = `${where}: ${(e as Error).message}`;
        if (attempt < attempts) await sleep(exponentialDelay(attempt, this.options.backoffMs ?? 250, 5000));
        continue;
      }
      if (res.status === 401 && !renewed) {
        await res.body?.cancel();
        tokens.invalidate();
        renewed = true;
        attempt--;
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        await res.body?.cancel();
        last = `${where} answered HTTP ${res.status}`;
        if (attempt < attempts) await sleep(exponentialDelay(attempt, this.options.backoffMs ?? 250, 5000));
        continue;
      }
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { message?: unknown };
        const reason =
          typeof body.message === 'string'
            ? body.message
            : Array.isArray(body.message)
              ? body.message.join('; ')
              : '';
        throw new ServiceCallError(
          `${where} answered HTTP ${res.status}${reason ? `: ${reason}` : ''}`,
          res.status,
        );
      }
      return (await res.json()) as T;
    }
    throw new ServiceCallError(`${last} (after ${attempts} attempts)`);
  }
}
