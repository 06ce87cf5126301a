// The plane's HTTP APIs as mpctl calls them: a bearer token exchanged from the profile's API key (renewed
// and re-exchanged once after a 401), JSON in and out, and every failure turned into a message that says
// what to do next.
import { ApiKeyTokenSource, TokenExchangeError, type TokenSource } from '@auraison/client';
import { CliError } from './errors.js';
import { ENDPOINT_ENV, type Endpoints } from './profile.js';

export type Service = 'registry' | 'policy' | 'observability' | 'billing' | 'eval';

const NAMES: Record<Service, string> = {
  registry: 'tenant registry',
  policy: 'policy engine',
  observability: 'observability store',
  billing: 'billing',
  eval: 'eval loop',
};

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  accept?: string;
  /** Answer undefined on 404 instead of failing. */
  allow404?: boolean;
}

function messageOf(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as { message?: unknown; error?: unknown; field?: unknown };
    const m = Array.isArray(b.message)
      ? b.message.join('; ')
      : typeof b.message === 'string'
        ? b.message
        : '';
    if (m) return typeof b.field === 'string' && !m.includes(b.field) ? `${b.field}: ${m}` : m;
    if (typeof b.error === 'string') return b.error;
  }
  return typeof body === 'string' && body ? body.slice(0, 500) : 'no details';
}

export class Plane {
  constructor(
    readonly endpoints: Endpoints,
    private readonly tokens: TokenSource | undefined,
  ) {}

  /** The token source, or a clear error when nobody logged in. */
  credential(): TokenSource {
    if (!this.tokens)
      throw new CliError(
        'not logged in: no API key',
        'run `mpctl login --api-key mpk_...` (or set MP_API_KEY). On a fresh `npm start` the tenant registry ' +
          'prints the platform admin key once; MP_BOOTSTRAP_ADMIN_KEY lets you choose it.',
        3,
      );
    return this.tokens;
  }

  async token(): Promise<string> {
    try {
      return await this.credential().token();
    } catch (e) {
      if (e instanceof TokenExchangeError)
        throw new CliError(
          e.message,
          e.status === 0
            ? `start the plane (\`npm start\`) or point ${ENDPOINT_ENV.registry} at the tenant registry`
            : 'log in again with a valid key: `mpctl login --api-key mpk_...`',
          3,
        );
      throw e;
    }
  }

  /** The tenant and roles of the current credential. */
  async caller(): Promise<{ tenantId: string; roles: string[] }> {
    const source = this.credential();
    if (source instanceof ApiKeyTokenSource) {
      await this.token();
      const t = await source.accessToken();
      return { tenantId: t.tenantId, roles: t.roles };
    }
    const me = await this.get<{ tenant: { id: string }; roles: string[] }>('registry', '/api/v1/me');
    return { tenantId: me.tenant.id, roles: me.roles };
  }

  async get<T>(service: Service, path: string, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>(service, 'GET', path, opts);
  }

  async send<T>(
    service: Service,
    method: string,
    path: string,
    body?: unknown,
    opts: RequestOptions = {},
  ): Promise<T> {
    return this.request<T>(service, method, path, { ...opts, body });
  }

  async request<T>(service: Service, method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const base = this.endpoints[service].replace(/\/+$/, '');
    const url = new URL(`${base}${path}`);
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${await this.token()}`,
        accept: opts.accept ?? 'application/json',
      };
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers,
          ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (e) {
        throw new CliError(
          `cannot reach the ${NAMES[service]} at ${base} (${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message})`,
          `is it running (\`npm start\`)? Otherwise set ${ENDPOINT_ENV[service]}.`,
        );
      }
      if (res.status === 401 && attempt === 1) {
        this.tokens?.invalidate();
        continue;
      }
      const text = await res.text();
      const isJson = (res.headers.get('content-type') ?? '').includes('json');
      const body: unknown = isJson && text ? JSON.parse(text) : text;
      if (res.ok) return body as T;
      if (res.status === 404 && opts.allow404) return undefined as T;
      throw this.failure(service, method, url, res, body);
    }
  }

  private failure(service: Service, method: string, url: URL, res: Response, body: unknown): CliError {
    const what = `${method} ${url.pathname} on the ${NAMES[service]} answered ${res.status}: ${messageOf(body)}`;
    switch (res.status) {
      case 400:
        return new CliError(what, 'fix the value named above; `mpctl <command> --help` lists the options');
      case 401:
        return new CliError(what, 'your API key or token was refused: `mpctl login --api-key mpk_...`', 3);
      case 403:
        return new CliError(
          what,
          'your role lacks the permission this needs: `mpctl whoami` shows your roles; ask a tenant or platform admin',
        );
      case 404:
        return new CliError(
          what,
          'check the id (objects of another tenant answer 404 too; platform admins pass --tenant)',
        );
      case 409:
        return new CliError(what, 'the object is not in a state that allows this now (see the message)');
      case 429:
        return new CliError(
          what,
          `rate-limited: retry after ${res.headers.get('retry-after') ?? 'a while'} s`,
        );
      default:
        return new CliError(
          what,
          res.status >= 500 ? `the ${NAMES[service]} failed: see its log` : undefined,
        );
    }
  }
}
