// Property-based fuzzing of a running service's edges (fast-check): every HTTP body and query it takes,
// shaped after its own OpenAPI document (right names, wrong everything else) or not at all, must never
// answer 5xx; every payload published on a subject it consumes must end in the dead-letter stream with
// a reason, while the service stays healthy.
import { CONTENT_TYPE_HEADER, CONTENT_TYPE_JSON, CONTENT_TYPE_PROTOBUF, STREAMS } from '@auraison/contracts';
import { listHandlers } from '@auraison/auth';
import { JetStreamPublisher, Namespace } from '@auraison/messaging';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import fc from 'fast-check';
import { openapiPath, type OpenApiDocument } from './security-matrix.js';
import type { BootedService } from './service.js';

export interface HttpFuzzOptions {
  service: BootedService;
  /** `Bearer ...` of a caller allowed everywhere (a platform admin), so bodies reach validation. */
  authorization: string;
  /** Put in tenant-valued path parameters. */
  tenantId: string;
  /** Bodies per route (default 30). */
  runs?: number;
  seed?: number;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export interface HttpFuzzResult {
  /** Routes fuzzed and requests sent. */
  routes: number;
  requests: number;
  /** One line per route that answered 5xx, with the shrunk counterexample. */
  failures: string[];
}

/** Fuzzes every body-taking route and every query of the service. */
export async function fuzzHttp(options: HttpFuzzOptions): Promise<HttpFuzzResult> {
  const { service } = options;
  const doc = (await service.http.get('/api/docs/openapi.json')).body as OpenApiDocument;
  const failures: string[] = [];
  let requests = 0;
  const routes = listHandlers(service.app).filter((h) => h.kind === 'http' && h.permission);
  for (const route of routes) {
    const space = route.route.indexOf(' ');
    const method = route.route.slice(0, space);
    const template = route.route.slice(space + 1);
    const operation = doc.paths?.[openapiPath(template)]?.[method.toLowerCase()];
    const names = bodyFieldNames(doc, operation);
    const queryNames = (operation?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    const path = `/${template.replace(/^\/+/, '')}`.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) =>
      /tenant/i.test(name) || (name === 'id' && template.includes('/tenants/:id'))
        ? options.tenantId
        : 'fuzz-0',
    );
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.record(Object.fromEntries(names.map((n) => [n, fc.jsonValue()])), { requiredKeys: [] }),
      fc.string().map((text) => ({ raw: text })),
    );
    const queries = fc.record(Object.fromEntries(queryNames.map((n) => [n, fc.string({ maxLength: 40 })])), {
      requiredKeys: [],
    });
    const property = fc.asyncProperty(
      BODY_METHODS.has(method) ? bodies : fc.constant(undefined),
      queries,
      async (body, query) => {
        const qs = new URLSearchParams(query as Record<string, string>).toString();
        let req = service.http[method.toLowerCase() as 'get'](`${path}${qs ? `?${qs}` : ''}`).set(
          'Authorization',
          options.authorization,
        );
        if (body !== undefined) {
          req =
            typeof body === 'object' && body !== null && 'raw' in body && Object.keys(body).length === 1
              ? req.set('Content-Type', 'application/json').send(String((body as { raw: string }).raw))
              : req.set('Content-Type', 'application/json').send(JSON.stringify(body));
        }
        const res = await req;
        requests++;
        if (res.status >= 500) throw new Error(`answered ${res.status}: ${res.text.slice(0, 200)}`);
      },
    );
    try {
      await fc.assert(property, {
        numRuns: BODY_METHODS.has(method) ? (options.runs ?? 30) : Math.ceil((options.runs ?? 30) / 3),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        endOnFailure: true,
      });
    } catch (e) {
      failures.push(`${route.route}: ${(e as Error).message.split('\n').slice(0, 6).join(' | ')}`);
    }
  }
  return { routes: routes.length, requests, failures };
}

function bodyFieldNames(
  doc: OpenApiDocument,
  operation: { requestBody?: { content?: Record<string, { schema?: SchemaRef }> } } | undefined,
): string[] {
  let schema = operation?.requestBody?.content?.['application/json']?.schema;
  if (schema?.$ref) schema = doc.components?.schemas?.[schema.$ref.split('/').pop() ?? ''];
  return Object.keys(schema?.properties ?? {});
}

interface SchemaRef {
  $ref?: string;
  properties?: Record<string, unknown>;
}

export interface NatsFuzzOptions {
  service: BootedService;
  /** The declared subject the service consumes (e.g. SUBJECTS.agentEvents). */
  subject: string;
  /** Field names of the subject's message in proto3 JSON, so some payloads look like the real thing. */
  fields: string[];
  /** Payloads (default 40). */
  runs?: number;
  seed?: number;
  /** How long dead letters may take to appear (default 30 s). */
  timeoutMs?: number;
}

export interface NatsFuzzResult {
  published: number;
  /** Message ids published but never dead-lettered (nor stored: a payload a fuzzer makes is never valid). */
  missing: string[];
  /** Dead letters without a reason. */
  withoutReason: string[];
}

/** Publishes fuzzed payloads on `subject` and waits for each in the dead-letter stream, with its reason. */
export async function fuzzNatsSubject(options: NatsFuzzOptions): Promise<NatsFuzzResult> {
  const { service } = options;
  const publisher = service.app.get(JetStreamPublisher);
  const runId = Math.random().toString(36).slice(2, 8);
  const payloads = fc.sample(
    fc.oneof(
      fc.uint8Array({ maxLength: 256 }).map((data) => ({ data, json: false })),
      fc.jsonValue().map((v) => ({ data: utf8(JSON.stringify(v) ?? 'null'), json: true })),
      fc
        .record(Object.fromEntries(options.fields.map((f) => [f, fc.jsonValue()])), { requiredKeys: [] })
        .map((v) => ({ data: utf8(JSON.stringify(v)), json: true })),
    ),
    { numRuns: options.runs ?? 40, ...(options.seed !== undefined ? { seed: options.seed } : {}) },
  );
  const ids: string[] = [];
  for (const [i, p] of payloads.entries()) {
    const id = `fuzz-${runId}-${i}`;
    ids.push(id);
    await publisher.publishRaw(
      options.subject,
      p.data,
      { [CONTENT_TYPE_HEADER]: p.json ? CONTENT_TYPE_JSON : CONTENT_TYPE_PROTOBUF },
      { msgId: id },
    );
  }
  const ns = new Namespace(service.namespace);
  const nc = await connect({ servers: service.config.NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = ns.stream(STREAMS.dlq.name);
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let found = new Map<string, string>();
    for (;;) {
      found = new Map();
      const info = await jsm.streams.info(stream);
      for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
        const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
        const id = m?.header?.get('Mp-Dlq-Msg-Id');
        if (id?.startsWith(`fuzz-${runId}-`)) found.set(id, m?.header?.get('Mp-Dlq-Reason') ?? '');
      }
      if (found.size >= ids.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return {
      published: ids.length,
      missing: ids.filter((id) => !found.has(id)),
      withoutReason: [...found].filter(([, reason]) => reason.trim() === '').map(([id]) => id),
    };
  } finally {
    await nc.close();
  }
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
