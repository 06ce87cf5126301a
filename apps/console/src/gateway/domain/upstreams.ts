// Where the gateway sends a request: `/api/<service>/<rest>` goes to `<service base URL>/<rest>`, for
// the services' HTTP APIs only (`/api/...` and the JWKS): their /metrics and health stay internal.

export const SERVICE_NAMES = [
  'tenant-registry',
  'policy-engine',
  'observability-store',
  'billing',
  'eval-loop',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type Upstreams = Readonly<Record<ServiceName, string>>;

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

export type Target =
  { ok: true; service: ServiceName; url: string } | { ok: false; status: 404; message: string };

const FORWARDED_PATH = /^\/(api\/|\.well-known\/jwks\.json(\?|$))/;

/**
 * The upstream URL of a console request URL (path and query as received), or why there is none.
 * `/api/billing/api/v1/billing/usage?period=2026-12` → `http://billing:3004/api/v1/billing/usage?period=2026-12`.
 */
export function resolveTarget(upstreams: Upstreams, requestUrl: string): Target {
  const match = /^\/api\/([^/?#]+)(\/[^#]*)?$/.exec(requestUrl);
  if (!match) return { ok: false, status: 404, message: 'not a gateway path: use /api/<service>/...' };
  const service = decodeURIComponent(match[1]!);
  if (!isServiceName(service))
    return {
      ok: false,
      status: 404,
      message: `unknown service ${JSON.stringify(service)} (one of ${SERVICE_NAMES.join(', ')})`,
    };
  const rest = match[2] ?? '/';
  // A dot segment could climb out of /api on the service: refuse it rather than normalise it.
  const path = rest.split('?')[0]!;
  if (/(^|\/)\.\.?(\/|$)/.test(path) || /%2e/i.test(path) || path.includes('\\'))
    return { ok: false, status: 404, message: 'dot segments are not forwarded' };
  if (!FORWARDED_PATH.test(rest))
    return {
      ok: false,
      status: 404,
      message: `only the API of ${service} is forwarded (/api/${service}/api/...)`,
    };
  return { ok: true, service, url: `${upstreams[service].replace(/\/+$/, '')}${rest}` };
}

// Request headers worth sending on: the caller's identity and content negotiation, trace context.
const REQUEST_HEADERS = [
  'authorization',
  'accept',
  'content-type',
  'traceparent',
  'tracestate',
  'x-request-id',
];
// Response headers worth returning: content description and the hints clients act on.
const RESPONSE_HEADERS = [
  'content-type',
  'content-disposition',
  'retry-after',
  'cache-control',
  'location',
  'etag',
  'last-modified',
  'x-request-id',
];

export function forwardedRequestHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of REQUEST_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value) && value.length > 0) out[name] = value.join(', ');
  }
  return out;
}

export function forwardedResponseHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of RESPONSE_HEADERS) {
    const value = headers.get(name);
    if (value !== null) out[name] = value;
  }
  return out;
}
