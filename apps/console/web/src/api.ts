// Talks to the services through the console's gateway (/api/<service>/...). The access token lives in
// this module's memory only: never in localStorage or a cookie, so a reload asks to sign in again.

export type Service = 'tenant-registry' | 'policy-engine' | 'observability-store' | 'billing' | 'eval-loop';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let token: string | undefined;
let onUnauthorized: () => void = () => {};

export function setToken(value: string | undefined): void {
  token = value;
}

export function hasToken(): boolean {
  return token !== undefined;
}

/** Called when a service answers 401 (the token expired or was revoked): back to sign-in. */
export function onSessionExpired(handler: () => void): void {
  onUnauthorized = handler;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function messageOf(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { message?: unknown };
    const m = body.message;
    if (Array.isArray(m)) return m.join('; ');
    if (typeof m === 'string') return m;
  } catch {
    // not JSON
  }
  return text || res.statusText || `HTTP ${res.status}`;
}

export async function request(
  service: Service,
  path: string,
  init: { method?: string; query?: Query; body?: unknown; accept?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { accept: init.accept ?? 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/${service}${withQuery(path, init.query)}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (e) {
    throw new ApiError(0, `the console server did not answer (${(e as Error).message})`);
  }
  if (res.status === 401 && token) onUnauthorized();
  if (!res.ok) throw new ApiError(res.status, await messageOf(res));
  return res;
}

export async function api<T>(
  service: Service,
  path: string,
  init: { method?: string; query?: Query; body?: unknown } = {},
): Promise<T> {
  const res = await request(service, path, init);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
