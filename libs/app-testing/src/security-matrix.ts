// The security matrix of one running service: every HTTP route it declares (its own route table, via
// libs/auth's inventory) called with no token, an expired token, each role of the target tenant and a
// foreign tenant's administrator, with the outcome the permission table predicts. Request shapes come
// from the service's own OpenAPI document, so path and required query parameters are well-formed and
// the answers are about access, not about validation.
import { randomUUID } from 'node:crypto';
import { hasPermission, listHandlers, ROLES, type HandlerAccess, type Role } from '@auraison/auth';
import type { BootedService } from './service.js';

export interface MatrixTokenClaims {
  tenantId: string;
  roles: Role[];
  /** Negative for an expired token. */
  ttlSeconds?: number;
  platform?: boolean;
}

export interface SecurityMatrixOptions {
  service: BootedService;
  /** Mints an access token the service accepts (the test issuer, or the registry's own issuer). */
  token(claims: MatrixTokenClaims): Promise<string>;
  /** A tenant the service knows: every tenant-valued parameter names it. */
  tenantId: string;
  /** Another tenant the service knows: its administrator must never read or change `tenantId`'s data. */
  foreignTenantId: string;
  /**
   * The platform tenant, when the service knows it: its `service` account (token claim `platform`) acts
   * across tenants with the service role's permissions, as the plane's own components do.
   */
  platformTenantId?: string;
  /**
   * Routes whose outcome for a role differs from the permission table alone, with the reason: e.g. a
   * platform-only route (403 or 404 for every tenant-bound role although the role holds the permission).
   * Key: `GET /api/v1/x` then `|<role>`; value: the statuses allowed and why.
   */
  exceptions?: Record<string, { statuses: number[]; why: string }>;
  /** Example values for parameters the OpenAPI document cannot describe well enough (by name). */
  values?: Record<string, string>;
}

export interface MatrixCell {
  route: string;
  caller: string;
  status: number;
  expected: string;
  ok: boolean;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: { type?: string; enum?: unknown[]; format?: string; default?: unknown; minimum?: number };
}

export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: {
    content?: Record<string, { schema?: { $ref?: string; properties?: Record<string, unknown> } }>;
  };
}

export interface OpenApiDocument {
  paths?: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

const TENANT_PARAMS = new Set(['tenant_id', 'tenantId', 'tenant']);

/** Calls every cell of the matrix and returns them all; `failures(cells)` keeps the wrong ones. */
export async function runSecurityMatrix(options: SecurityMatrixOptions): Promise<MatrixCell[]> {
  const { service } = options;
  const openapi = (await service.http.get('/api/docs/openapi.json')).body as OpenApiDocument;
  const routes = listHandlers(service.app).filter(
    (h): h is HandlerAccess & { permission: NonNullable<HandlerAccess['permission']> } =>
      h.kind === 'http' && h.permission !== undefined,
  );
  if (routes.length === 0) throw new Error('the service declares no permission-checked HTTP route');
  const tokens = new Map<string, string>();
  const mint = async (key: string, claims: MatrixTokenClaims): Promise<string> => {
    let token = tokens.get(key);
    if (!token) tokens.set(key, (token = await options.token(claims)));
    return token;
  };
  const cells: MatrixCell[] = [];
  for (const route of routes) {
    const [method, template] = splitRoute(route.route);
    const url = requestUrl(template, parametersOf(openapi, method, template), options);
    const call = async (token?: string): Promise<number> => {
      let req = service.http[method.toLowerCase() as 'get'](url);
      if (token) req = req.set('Authorization', `Bearer ${token}`);
      if (method !== 'GET' && method !== 'DELETE') req = req.send({});
      return (await req).status;
    };
    const record = (caller: string, status: number, expected: string, ok: boolean): void => {
      cells.push({ route: route.route, caller, status, expected, ok });
    };

    const anonymous = await call();
    record('no token', anonymous, '401', anonymous === 401);
    const expired = await call(
      await mint('expired', { tenantId: options.tenantId, roles: ['platform_admin'], ttlSeconds: -120 }),
    );
    record('expired token', expired, '401', expired === 401);

    const own = new Map<Role, number>();
    for (const role of ROLES) {
      const token = await mint(`role:${role}`, { tenantId: options.tenantId, roles: [role] });
      const status = await call(token);
      own.set(role, status);
      const exception = options.exceptions?.[`${route.route}|${role}`];
      if (exception) {
        record(
          role,
          status,
          `${exception.statuses.join('/')} (${exception.why})`,
          exception.statuses.includes(status),
        );
      } else if (hasPermission([role], route.permission)) {
        record(
          role,
          status,
          `not 401/403 (holds ${route.permission})`,
          status !== 401 && status !== 403 && status < 500,
        );
      } else {
        record(role, status, `403 (lacks ${route.permission})`, status === 403);
      }
    }

    // Another tenant's administrator, aimed at this tenant's data: never a success. Only routes that
    // name a tenant (path or query) can be aimed; the others answer about the caller's own tenant.
    if (refersToTenant(template, parametersOf(openapi, method, template))) {
      const foreign = await call(
        await mint('foreign', { tenantId: options.foreignTenantId, roles: ['tenant_admin'] }),
      );
      // Where this tenant's own administrator succeeds, the foreign one must be refused as such (403 or
      // 404), not merely fail validation.
      const ownOk = (own.get('tenant_admin') ?? 0) < 300;
      const ok = ownOk
        ? foreign === 403 || foreign === 404
        : foreign >= 400 && foreign < 500 && foreign !== 401;
      record('foreign tenant_admin', foreign, ownOk ? '403/404' : '4xx, never 2xx', ok);
    }

    if (options.platformTenantId) {
      const status = await call(
        await mint('platform-service', {
          tenantId: options.platformTenantId,
          roles: ['service'],
          platform: true,
        }),
      );
      const exception = options.exceptions?.[`${route.route}|platform service`];
      if (exception) {
        record('platform service', status, exception.why, exception.statuses.includes(status));
      } else if (hasPermission(['service'], route.permission)) {
        const ok = status !== 401 && status !== 403 && status < 500;
        record('platform service', status, `not 401/403 (holds ${route.permission})`, ok);
      } else {
        record('platform service', status, `403 (lacks ${route.permission})`, status === 403);
      }
    }
  }
  return cells;
}

export function failures(cells: MatrixCell[]): string[] {
  return cells
    .filter((c) => !c.ok)
    .map((c) => `${c.route} as ${c.caller}: ${c.status}, expected ${c.expected}`);
}

function splitRoute(route: string): [string, string] {
  const space = route.indexOf(' ');
  return [route.slice(0, space), route.slice(space + 1)];
}

/** Nest's `/api/v1/x/:id` is OpenAPI's `/api/v1/x/{id}`. */
export function openapiPath(template: string): string {
  return template.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parametersOf(doc: OpenApiDocument, method: string, template: string): OpenApiParameter[] {
  return doc.paths?.[openapiPath(template)]?.[method.toLowerCase()]?.parameters ?? [];
}

function refersToTenant(template: string, parameters: OpenApiParameter[]): boolean {
  const inPath = [...template.matchAll(/:([A-Za-z0-9_]+)/g)].some(
    (m) => TENANT_PARAMS.has(m[1]!) || (m[1] === 'id' && /\/tenants\/:id/.test(template)),
  );
  return inPath || parameters.some((p) => p.in === 'query' && TENANT_PARAMS.has(p.name));
}

function requestUrl(
  template: string,
  parameters: OpenApiParameter[],
  options: SecurityMatrixOptions,
): string {
  const path = template.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    const parameter = parameters.find((p) => p.in === 'path' && p.name === name);
    const isTenant = TENANT_PARAMS.has(name) || (name === 'id' && /\/tenants\/:id/.test(template));
    return encodeURIComponent(isTenant ? options.tenantId : exampleValue(name, parameter, options));
  });
  const query = new URLSearchParams();
  for (const p of parameters) {
    if (p.in !== 'query') continue;
    if (TENANT_PARAMS.has(p.name)) query.set(p.name, options.tenantId);
    else if (p.required) query.set(p.name, exampleValue(p.name, p, options));
  }
  const qs = query.toString();
  return `/${path.replace(/^\/+/, '')}${qs ? `?${qs}` : ''}`;
}

function exampleValue(
  name: string,
  parameter: OpenApiParameter | undefined,
  options: SecurityMatrixOptions,
): string {
  const given = options.values?.[name];
  if (given !== undefined) return given;
  const schema = parameter?.schema;
  if (schema?.enum?.length) return String(schema.enum[0]);
  if (typeof schema?.default === 'string' || typeof schema?.default === 'number')
    return String(schema.default);
  if (schema?.type === 'integer' || schema?.type === 'number') return String(schema.minimum ?? 1);
  if (schema?.type === 'boolean') return 'false';
  if (schema?.format === 'date-time') return new Date().toISOString();
  if (name === 'agent_role' || name === 'role') return 'notebook';
  if (name === 'environment') return 'torch.dev.gpu';
  if (name === 'period') return new Date().toISOString().slice(0, 7);
  return randomUUID();
}

export interface GrpcMatrixOptions {
  service: BootedService;
  token(claims: MatrixTokenClaims): Promise<string>;
  tenantId: string;
  /** Another tenant: its administrator, aiming a request at `tenantId`, is refused. */
  foreignTenantId: string;
  /**
   * Calls one method (`rpc` as the handler's pattern names it) with a minimal request for `tenantId`
   * (empty: the caller's own tenant); answers the gRPC status code.
   */
  call(rpc: string, token?: string, tenantId?: string): Promise<number>;
}

const GRPC_UNAUTHENTICATED = 16;
const GRPC_PERMISSION_DENIED = 7;
const GRPC_INTERNAL = 13;
const GRPC_UNKNOWN = 2;
const GRPC_NOT_FOUND = 5;

/** The same matrix over every gRPC method the service declares (no token, expired token, each role). */
export async function runGrpcSecurityMatrix(options: GrpcMatrixOptions): Promise<MatrixCell[]> {
  const methods = listHandlers(options.service.app).filter(
    (h): h is HandlerAccess & { permission: NonNullable<HandlerAccess['permission']> } =>
      h.kind === 'rpc' && h.permission !== undefined,
  );
  if (methods.length === 0) throw new Error('the service declares no permission-checked gRPC method');
  const cells: MatrixCell[] = [];
  for (const method of methods) {
    // Nest's gRPC pattern: [{ service, rpc, streaming }] with the method name in lower camel case.
    const parsed = JSON.parse(method.route) as unknown;
    const pattern = (Array.isArray(parsed) ? parsed[0] : parsed) as
      { service?: string; rpc?: string } | string;
    const rpc = typeof pattern === 'string' ? pattern : (pattern.rpc ?? method.route);
    const name = `${typeof pattern === 'string' ? '' : `${pattern.service}/`}${rpc.charAt(0).toUpperCase()}${rpc.slice(1)}`;
    const record = (caller: string, status: number, expected: string, ok: boolean): void => {
      cells.push({ route: `gRPC ${name}`, caller, status, expected, ok });
    };
    const anonymous = await options.call(rpc);
    record('no token', anonymous, 'UNAUTHENTICATED', anonymous === GRPC_UNAUTHENTICATED);
    const expiredToken = await options.token({
      tenantId: options.tenantId,
      roles: ['platform_admin'],
      ttlSeconds: -120,
    });
    const expired = await options.call(rpc, expiredToken);
    record('expired token', expired, 'UNAUTHENTICATED', expired === GRPC_UNAUTHENTICATED);
    for (const role of ROLES) {
      const status = await options.call(
        rpc,
        await options.token({ tenantId: options.tenantId, roles: [role] }),
      );
      if (hasPermission([role], method.permission)) {
        const ok = ![GRPC_UNAUTHENTICATED, GRPC_PERMISSION_DENIED, GRPC_INTERNAL, GRPC_UNKNOWN].includes(
          status,
        );
        record(
          role,
          status,
          `not UNAUTHENTICATED/PERMISSION_DENIED/INTERNAL (holds ${method.permission})`,
          ok,
        );
      } else {
        record(
          role,
          status,
          `PERMISSION_DENIED (lacks ${method.permission})`,
          status === GRPC_PERMISSION_DENIED,
        );
      }
    }
    const foreign = await options.call(
      rpc,
      await options.token({ tenantId: options.foreignTenantId, roles: ['tenant_admin'] }),
      options.tenantId,
    );
    const refused = foreign === GRPC_NOT_FOUND || foreign === GRPC_PERMISSION_DENIED;
    record('foreign tenant_admin', foreign, 'NOT_FOUND/PERMISSION_DENIED', refused);
  }
  return cells;
}
