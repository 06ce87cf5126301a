// W&B's public API, as the official client speaks it: POST {base}/graphql with Basic auth
// ("api:<key>"), the project(...){ runs(filters:, first:, after:, order:) } query with a MongoDB-style
// JSON filter, cursor pagination, config and summary metrics as JSON strings (config values wrapped
// as {"value": ..., "desc": ...}). HTTP 429 and 5xx are retried with backoff (Retry-After honoured);
// when W&B stays unreachable the caller gets WandbUnavailableError and degrades, it does not fail.

export const RUNS_QUERY = `query Runs($project: String!, $entity: String!, $cursor: String, $perPage: Int, $order: String, $filters: JSONString) {
  project(name: $project, entityName: $entity) {
    runs(filters: $filters, after: $cursor, first: $perPage, order: $order) {
      edges { node { id name displayName state config summaryMetrics createdAt heartbeatAt tags } cursor }
      pageInfo { endCursor hasNextPage }
    }
  }
}`;

export interface WandbOptions {
  /** e.g. https://api.wandb.ai */
  baseUrl: string;
  entity: string;
  project: string;
  apiKey: string;
  /** Config key that holds the management-plane job id (default `job_id`). */
  jobIdKey?: string;
  pageSize?: number;
  /** Attempts per request before giving up (default 5). */
  maxAttempts?: number;
  /** First backoff in ms, doubled per attempt (default 500). */
  backoffMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface WandbRun {
  id: string;
  name: string;
  displayName: string;
  state: string;
  /** Config with W&B's {"value": ...} wrappers removed. */
  config: Record<string, unknown>;
  /** Summary metrics (the last logged value of each metric). */
  summary: Record<string, unknown>;
  createdAt: string;
  heartbeatAt: string | null;
  tags: string[];
  /** The job id from the config, when present. */
  jobId: string | undefined;
}

export class WandbUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WandbUnavailableError';
  }
}

interface RunNode {
  id: string;
  name: string;
  displayName?: string | null;
  state: string;
  config?: string | null;
  summaryMetrics?: string | null;
  createdAt: string;
  heartbeatAt?: string | null;
  tags?: string[] | null;
}

interface RunsPage {
  data?: {
    project: null | {
      runs: {
        edges: Array<{ node: RunNode; cursor: string }>;
        pageInfo: { endCursor: string | null; hasNextPage: boolean };
      };
    };
  };
  errors?: Array<{ message: string }>;
}

const JOB_IDS_PER_QUERY = 100;

function parseJsonObject(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** W&B wraps each config value as {"value": v, "desc": ...}; older runs may not. */
export function unwrapConfig(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && 'value' in v ? v.value : v;
  }
  return out;
}

export class WandbClient {
  constructor(private readonly options: WandbOptions) {}

  /** Every run whose config carries one of `jobIds`, newest first. */
  async runsForJobs(jobIds: readonly string[]): Promise<WandbRun[]> {
    const unique = [...new Set(jobIds)];
    const runs: WandbRun[] = [];
    for (let i = 0; i < unique.length; i += JOB_IDS_PER_QUERY) {
      const chunk = unique.slice(i, i + JOB_IDS_PER_QUERY);
      runs.push(...(await this.runs({ [`config.${this.jobIdKey}`]: { $in: chunk } })));
    }
    return runs;
  }

  /** Every run matching a MongoDB-style filter, following the cursor to the last page. */
  async runs(filters: Record<string, unknown>, order = '-created_at'): Promise<WandbRun[]> {
    const out: WandbRun[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await this.page(filters, order, cursor);
      const project = page.data?.project;
      if (!project) throw new Error(`W&B project ${this.options.entity}/${this.options.project} not found`);
      for (const { node } of project.runs.edges) out.push(this.toRun(node));
      if (!project.runs.pageInfo.hasNextPage || !project.runs.pageInfo.endCursor) return out;
      cursor = project.runs.pageInfo.endCursor;
    }
  }

  private get jobIdKey(): string {
    return this.options.jobIdKey ?? 'job_id';
  }

  private toRun(node: RunNode): WandbRun {
    const config = unwrapConfig(parseJsonObject(node.config));
    const jobId = config[this.jobIdKey];
    return {
      id: node.id,
      name: node.name,
      displayName: node.displayName ?? node.name,
      state: node.state,
      config,
      summary: parseJsonObject(node.summaryMetrics),
      createdAt: node.createdAt,
      heartbeatAt: node.heartbeatAt ?? null,
      tags: node.tags ?? [],
      jobId: typeof jobId === 'string' ? jobId : typeof jobId === 'number' ? String(jobId) : undefined,
    };
  }

  private async page(
    filters: Record<string, unknown>,
    order: string,
    cursor: string | null,
  ): Promise<RunsPage> {
    const body = JSON.stringify({
      query: RUNS_QUERY,
      variables: {
        project: this.options.project,
        entity: this.options.entity,
        cursor,
        perPage: this.options.pageSize ?? 50,
        order,
        filters: JSON.stringify(filters),
      },
    });
    const attempts = this.options.maxAttempts ?? 5;
    const sleep = this.options.sleep ?? (async (ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let lastProblem = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res: Response;
      try {
        res = await (this.options.fetch ?? fetch)(`${this.options.baseUrl.replace(/\/$/, '')}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`api:${this.options.apiKey}`).toString('base64')}`,
          },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (e) {
        lastProblem = `network error: ${(e as Error).message}`;
        if (attempt < attempts) await sleep(this.backoff(attempt));
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        lastProblem = `HTTP ${res.status}`;
        const retryAfter = Number(res.headers.get('retry-after'));
        await res.body?.cancel();
        // No sleep after the last attempt: the caller degrades at once.
        if (attempt < attempts)
          await sleep(
            Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : this.backoff(attempt),
          );
        continue;
      }
      if (res.status === 401 || res.status === 403)
        throw new WandbUnavailableError(`W&B refused the API key (HTTP ${res.status})`);
      if (!res.ok)
        throw new WandbUnavailableError(
          `W&B answered HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`,
        );
      const page = (await res.json()) as RunsPage;
      if (page.errors?.length)
        throw new Error(`W&B GraphQL error: ${page.errors.map((e) => e.message).join('; ')}`);
      return page;
    }
    throw new WandbUnavailableError(`W&B unreachable after ${attempts} attempts (${lastProblem})`);
  }

  private backoff(attempt: number): number {
    return (this.options.backoffMs ?? 500) * 2 ** (attempt - 1);
  }
}
