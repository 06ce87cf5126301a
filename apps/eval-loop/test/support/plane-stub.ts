// A local HTTP server standing in for the services eval-loop reads, answering in their documented
// response shapes: the tenant registry's token exchange (POST /api/v1/auth/token), the observability
// store's events (GET /api/v1/events: the stored event body with proto field names and enums by name,
// keyset pages of at most 200) and billing's usage breakdown and job cost (GET /api/v1/billing/usage,
// /api/v1/billing/jobs/:job_id: USD decimal strings). Tests control its contents, its failures and its
// latency. The real services are exercised end to end in plane.e2e.spec.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { environmentName, ExecutionStatus, type AgentEvent, type ExecutionEvent } from '@auraison/contracts';
import type { TestIssuer } from '@auraison/testing';

export const PLATFORM_TENANT_ID = '00000000-0000-4000-8000-00000000a11a';
export const SERVICE_API_KEY = `mpk_abcdefghijkl_${'A'.repeat(43)}`;

const STATUS_NAMES: Record<number, string> = {
  [ExecutionStatus.EXECUTION_STATUS_PENDING]: 'pending',
  [ExecutionStatus.EXECUTION_STATUS_RUNNING]: 'running',
  [ExecutionStatus.EXECUTION_STATUS_SUCCEEDED]: 'succeeded',
  [ExecutionStatus.EXECUTION_STATUS_FAILED]: 'failed',
  [ExecutionStatus.EXECUTION_STATUS_STOPPED]: 'stopped',
};

interface StoredItem {
  kind: 'agent' | 'execution';
  event_id: string;
  tenant_id: string;
  timestamp: string;
  event: Record<string, unknown>;
}

export interface PlaneStub {
  url: string;
  /** Env for eval-loop: the registry, store and billing URLs and the service API key. */
  env: Record<string, string>;
  addExecutions(events: readonly ExecutionEvent[]): void;
  addAgents(events: readonly AgentEvent[]): void;
  /** Job costs in micro-units (served as USD strings); `unpriced` jobs report unpriced usage. */
  setCost(tenantId: string, jobId: string, micros: bigint, unpriced?: boolean): void;
  /** Status codes the events endpoint answers before answering normally (consumed one per call). */
  eventFailures: number[];
  /** Answer every events call with this status (e.g. 503) until cleared. */
  eventsDown?: number;
  /** Billing answers every call with this status (e.g. 503) until cleared. */
  billingDown?: number;
  /** Delay of every events answer (ms), to make runs slow. */
  eventsDelayMs: number;
  /** Calls per path prefix. */
  calls: Record<string, number>;
  /** Authorization headers seen (each must be a token of the issuer). */
  tokensSeen: Set<string>;
  close(): Promise<void>;
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();

/** An ExecutionEvent as the observability store stores and serves it. */
export function executionBody(e: ExecutionEvent): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      event_id: e.eventId,
      timestamp: iso(e.timestamp),
      plane: 'user',
      job_id: e.jobId,
      environment: environmentName(e.environment),
      ray_job_id: e.rayJobId,
      status: STATUS_NAMES[e.status],
      gpu_seconds: e.gpuSeconds,
      tenant_id: e.tenantId,
      started_at: iso(e.startedAt),
      ended_at: iso(e.endedAt),
      agent_role: e.agentRole,
      variant: e.variant,
      attempt: e.attempt,
      labels: e.labels,
    }),
  ) as Record<string, unknown>;
}

/** An AgentEvent as the observability store stores and serves it. */
export function agentBody(e: AgentEvent): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      event_id: e.eventId,
      timestamp: iso(e.timestamp),
      plane: 'control',
      agent_role: e.agentRole,
      job_id: e.jobId,
      session_id: e.sessionId,
      tool_calls: e.toolCalls.map((c) => ({
        tool: c.tool,
        input: c.input ?? {},
        output: c.output,
        duration_ms: c.durationMs,
      })),
      tokens_in: e.tokensIn,
      tokens_out: e.tokensOut,
      exit_code: e.exitCode,
      tenant_id: e.tenantId,
      model: e.model,
      variant: e.variant,
      experiment_id: e.experimentId,
      labels: e.labels,
    }),
  ) as Record<string, unknown>;
}

const usd = (micros: bigint): string => {
  const neg = micros < 0n;
  const abs = neg ? -micros : micros;
  return `${neg ? '-' : ''}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, '0')}`;
};

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function startPlaneStub(issuer: TestIssuer): Promise<PlaneStub> {
  const items: StoredItem[] = [];
  let sorted = true;
  const costs = new Map<string, Map<string, { micros: bigint; unpriced: boolean }>>();
  const issued = new Set<string>();
  const stub: PlaneStub = {
    url: '',
    env: {},
    eventFailures: [],
    eventsDelayMs: 0,
    calls: {},
    tokensSeen: new Set(),
    addExecutions: (events) => {
      for (const e of events)
        items.push({
          kind: 'execution',
          event_id: e.eventId,
          tenant_id: e.tenantId,
          timestamp: e.timestamp!.toISOString(),
          event: executionBody(e),
        });
      sorted = false;
    },
    addAgents: (events) => {
      for (const e of events)
        items.push({
          kind: 'agent',
          event_id: e.eventId,
          tenant_id: e.tenantId,
          timestamp: e.timestamp!.toISOString(),
          event: agentBody(e),
        });
      sorted = false;
    },
    setCost: (tenantId, jobId, micros, unpriced = false) => {
      if (!costs.has(tenantId)) costs.set(tenantId, new Map());
      costs.get(tenantId)!.set(jobId, { micros, unpriced });
    },
    close: async () => Promise.resolve(),
  };

  const authorized = (req: IncomingMessage, res: ServerResponse): boolean => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !issued.has(token)) {
      send(res, 401, { statusCode: 401, message: 'missing or unknown access token' });
      return false;
    }
    stub.tokensSeen.add(token);
    return true;
  };

  const events = (url: URL, res: ServerResponse): void => {
    if (!sorted) {
      items.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.event_id.localeCompare(b.event_id));
      sorted = true;
    }
    const tenant = url.searchParams.get('tenant_id');
    const from = url.searchParams.get('from');
    const to = url.searchParams.get('to');
    const kind = url.searchParams.get('kind');
    const limit = Number(url.searchParams.get('limit') ?? 50);
    if (limit > 200)
      return send(res, 400, { statusCode: 400, message: 'limit must not be greater than 200' });
    const cursor = url.searchParams.get('cursor');
    const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
    const fromMs = from ? Date.parse(from) : -Infinity;
    const toMs = to ? Date.parse(to) : Infinity;
    const matching = items.filter((i) => {
      const t = Date.parse(i.timestamp);
      return i.tenant_id === tenant && (!kind || i.kind === kind) && t >= fromMs && t < toMs;
    });
    const page = matching.slice(start, start + limit);
    const end = start + page.length;
    send(res, 200, {
      items: page.map((i, n) => ({ seq: start + n + 1, row_hash: '00', ...i })),
      next_cursor: end < matching.length ? Buffer.from(String(end)).toString('base64url') : null,
    });
  };

  const usage = (url: URL, res: ServerResponse): void => {
    const tenant = url.searchParams.get('tenant_id')!;
    const day = new Date(`${url.searchParams.get('period')}T00:00:00Z`);
    const start = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1));
    const end = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 1));
    const limit = Number(url.searchParams.get('breakdown_limit') ?? 100);
    // Every cost is in the period of the window in these tests: list them once, in the first period asked.
    const all = [...(costs.get(tenant) ?? new Map<string, { micros: bigint; unpriced: boolean }>())]
      .sort((a, b) => (a[1].micros < b[1].micros ? 1 : a[1].micros > b[1].micros ? -1 : 0))
      .filter(() => start.getTime() <= Date.now() && Date.now() < end.getTime());
    send(res, 200, {
      tenant_id: tenant,
      period: { label: start.toISOString().slice(0, 7), start: start.toISOString(), end: end.toISOString() },
      currency: 'USD',
      breakdowns: {
        job: {
          items: all
            .slice(0, limit)
            .map(([key, c]) => ({ key, cost: usd(c.micros), unpriced_events: c.unpriced ? 1 : 0 })),
          total_count: all.length,
        },
      },
    });
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const prefix = url.pathname.split('/').slice(0, 5).join('/');
      stub.calls[prefix] = (stub.calls[prefix] ?? 0) + 1;
      void (async () => {
        if (req.method === 'POST' && url.pathname === '/api/v1/auth/token') {
          const { api_key } = JSON.parse(body || '{}') as { api_key?: string };
          if (api_key !== SERVICE_API_KEY)
            return send(res, 401, { statusCode: 401, message: 'invalid API key' });
          const token = await issuer.token({
            tenantId: PLATFORM_TENANT_ID,
            roles: ['viewer'],
            subjectType: 'service_account',
            platform: true,
          });
          issued.add(token);
          return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 900 });
        }
        if (!authorized(req, res)) return;
        if (url.pathname === '/api/v1/events') {
          if (stub.eventsDelayMs) await new Promise((r) => setTimeout(r, stub.eventsDelayMs));
          const failure = stub.eventFailures.shift() ?? stub.eventsDown;
          if (failure) return send(res, failure, { statusCode: failure, message: 'store unavailable' });
          return events(url, res);
        }
        if (url.pathname.startsWith('/api/v1/billing/')) {
          if (stub.billingDown)
            return send(res, stub.billingDown, { statusCode: stub.billingDown, message: 'down' });
          if (url.pathname === '/api/v1/billing/usage') return usage(url, res);
          const job = /^\/api\/v1\/billing\/jobs\/(.+)$/.exec(url.pathname);
          if (job) {
            const c = costs.get(url.searchParams.get('tenant_id')!)?.get(decodeURIComponent(job[1]!));
            if (!c) return send(res, 404, { statusCode: 404, message: 'job not found' });
            return send(res, 200, {
              cost: usd(c.micros),
              lines: [{ cost: c.unpriced ? null : usd(c.micros) }],
            });
          }
        }
        send(res, 404, { statusCode: 404, message: 'not found' });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.env = {
    MP_TENANT_REGISTRY_URL: stub.url,
    MP_OBSERVABILITY_URL: stub.url,
    MP_BILLING_URL: stub.url,
    MP_SERVICE_API_KEY: SERVICE_API_KEY,
  };
  stub.close = async () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return stub;
}
