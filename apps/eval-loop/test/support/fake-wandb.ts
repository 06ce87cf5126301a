// A local stand-in for W&B's GraphQL endpoint that answers the runs query in W&B's own response
// format: config and summaryMetrics as JSON strings (config values wrapped), cursor pagination, the
// MongoDB-style `$in` / `$eq` filter on a config key, Basic auth, and scripted failures (429, 500).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRun {
  id: string;
  name: string;
  state: string;
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
  createdAt: string;
}

export interface FakeWandb {
  url: string;
  apiKey: string;
  runs: FakeRun[];
  /** Status codes to answer before answering normally, consumed one per request. */
  failures: number[];
  requests: number;
  close(): Promise<void>;
}

function matches(run: FakeRun, filters: Record<string, unknown>): boolean {
  return Object.entries(filters).every(([path, condition]) => {
    const key = path.replace(/^config\./, '').replace(/\.value$/, '');
    const value = run.config[key];
    if (condition && typeof condition === 'object') {
      const c = condition as { $in?: unknown[]; $eq?: unknown };
      if (c.$in) return c.$in.includes(value);
      if ('$eq' in c) return c.$eq === value;
    }
    return value === condition;
  });
}

export async function startFakeWandb(
  options: { apiKey?: string; pageSize?: number } = {},
): Promise<FakeWandb> {
  const apiKey = options.apiKey ?? 'test-wandb-key';
  const state: FakeWandb = {
    url: '',
    apiKey,
    runs: [],
    failures: [],
    requests: 0,
    close: async () => Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.requests++;
      const failure = state.failures.shift();
      if (failure) {
        res.writeHead(failure, failure === 429 ? { 'retry-after': '0' } : {}).end('slow down');
        return;
      }
      if (req.url !== '/graphql' || req.method !== 'POST') return void res.writeHead(404).end();
      if (req.headers.authorization !== `Basic ${Buffer.from(`api:${apiKey}`).toString('base64')}`)
        return void res.writeHead(401).end('unauthorized');
      const { variables } = JSON.parse(body) as {
        variables: { cursor: string | null; perPage: number; filters: string; order: string };
      };
      const filters = JSON.parse(variables.filters || '{}') as Record<string, unknown>;
      const all = state.runs
        .filter((r) => matches(r, filters))
        .sort((a, b) => (variables.order === '-created_at' ? b.createdAt.localeCompare(a.createdAt) : 0));
      const start = variables.cursor ? Number(Buffer.from(variables.cursor, 'base64').toString()) : 0;
      const size = options.pageSize ?? variables.perPage ?? 50;
      const page = all.slice(start, start + size);
      const edges = page.map((r, i) => ({
        node: {
          id: r.id,
          name: r.name,
          displayName: r.name,
          state: r.state,
          config: JSON.stringify(
            Object.fromEntries(Object.entries(r.config).map(([k, v]) => [k, { value: v, desc: null }])),
          ),
          summaryMetrics: JSON.stringify(r.summary),
          createdAt: r.createdAt,
          heartbeatAt: r.createdAt,
          tags: [],
        },
        cursor: Buffer.from(String(start + i + 1)).toString('base64'),
      }));
      const end = start + page.length;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          data: {
            project: {
              runs: {
                edges,
                pageInfo: { endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: end < all.length },
              },
            },
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
