// PolicyService over gRPC for the control plane: every call carries a fresh bearer token (exchanged
// from an API key and renewed before expiry), a W3C traceparent and a deadline; UNAVAILABLE (the engine
// restarting, a connection reset, a rolling update) is retried with backoff, and a token the engine
// refused is exchanged again once. Every operation is safe to retry: AdmitJob is idempotent on job_id.
import {
  credentials as grpcCredentials,
  makeGenericClientConstructor,
  Metadata,
  status as Status,
  type ChannelCredentials,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import {
  PolicyServiceService,
  type AdmitJobRequest,
  type GetAgentConfigRequest,
  type GetQuotaRequest,
  type GetToolScopeRequest,
  type ReleaseJobRequest,
  type AdmitJobResponse,
  type GetAgentConfigResponse,
  type GetQuotaResponse,
  type GetToolScopeResponse,
  type ReleaseJobResponse,
} from '@auraison/contracts';
import { StaticTokenSource, type TokenSource } from '../auth/token-source.js';
import { childSpan, formatTraceparent, TRACEPARENT, type TraceContext } from '../trace/trace-context.js';

export interface PolicyClientOptions {
  /** `host:port` of the policy engine's gRPC server (default `127.0.0.1:50051`). */
  address?: string;
  /** Bearer tokens: an ApiKeyTokenSource, or a fixed token string. */
  token: TokenSource | string;
  /** Deadline of one attempt (default 5 s). */
  deadlineMs?: number;
  /** Attempts per call when the engine is UNAVAILABLE (default 4). */
  maxAttempts?: number;
  /** First retry delay, doubled per attempt up to 2 s, with jitter (default 100 ms). */
  retryBaseMs?: number;
  /** Status codes retried besides UNAVAILABLE (e.g. DEADLINE_EXCEEDED: every operation is idempotent). */
  retryOn?: readonly Status[];
  /** TLS credentials (default plaintext, as inside a cluster network). */
  credentials?: ChannelCredentials;
  /** The trace the calls belong to when a call names none (default: a new trace per call). */
  trace?: TraceContext;
}

export interface CallOptions {
  /** The caller's span: the call becomes its child. */
  trace?: TraceContext;
  /** Overrides the client's deadline for this call. */
  deadlineMs?: number;
  /** Cancels the call. */
  signal?: AbortSignal;
}

const STATUS_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Status)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k]),
);

/** The name of a gRPC status code (`UNAVAILABLE`). */
export function statusName(code: number): string {
  return STATUS_NAMES[code] ?? `CODE_${code}`;
}

const HINTS: Partial<Record<number, string>> = {
  [Status.UNAVAILABLE]: 'is the policy engine running, and is the address right?',
  [Status.UNAUTHENTICATED]:
    'the token was refused: check the API key (mpctl login) and that its tenant is active',
  [Status.PERMISSION_DENIED]: "the caller's role lacks the permission this call needs",
  [Status.NOT_FOUND]: 'unknown tenant or object (another tenant’s objects answer NOT_FOUND)',
  [Status.DEADLINE_EXCEEDED]: 'the engine did not answer in time: raise deadlineMs or check its load',
  [Status.RESOURCE_EXHAUSTED]: 'a rate limit is spent: retry later',
};

export class PolicyCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: Status,
    readonly details: string,
    readonly attempts: number,
  ) {
    const hint = HINTS[code];
    super(
      `PolicyService.${method} failed with ${statusName(code)}: ${details || 'no details'}` +
        `${attempts > 1 ? ` (after ${attempts} attempts)` : ''}${hint ? ` - ${hint}` : ''}`,
    );
    this.name = 'PolicyCallError';
  }

  get codeName(): string {
    return statusName(this.code);
  }
}

type Unary<Req, Res> = (
  req: Req,
  metadata: Metadata,
  options: { deadline: Date },
  callback: (err: ServiceError | null, res: Res) => void,
) => { cancel(): void };

interface PolicyStub extends Client {
  getToolScope: Unary<GetToolScopeRequest, GetToolScopeResponse>;
  getQuota: Unary<GetQuotaRequest, GetQuotaResponse>;
  admitJob: Unary<AdmitJobRequest, AdmitJobResponse>;
  releaseJob: Unary<ReleaseJobRequest, ReleaseJobResponse>;
  getAgentConfig: Unary<GetAgentConfigRequest, GetAgentConfigResponse>;
}

const PolicyServiceClient = makeGenericClientConstructor(
  PolicyServiceService,
  'PolicyService',
) as unknown as new (address: string, creds: ChannelCredentials, options?: object) => PolicyStub;

const sleep = async (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export class PolicyClient {
  readonly address: string;
  private readonly stub: PolicyStub;
  private readonly tokens: TokenSource;
  private readonly retryable: ReadonlySet<number>;

  constructor(private readonly options: PolicyClientOptions) {
    this.address = options.address ?? '127.0.0.1:50051';
    this.tokens = typeof options.token === 'string' ? new StaticTokenSource(options.token) : options.token;
    this.retryable = new Set([Status.UNAVAILABLE, ...(options.retryOn ?? [])]);
    this.stub = new PolicyServiceClient(
      this.address,
      options.credentials ?? grpcCredentials.createInsecure(),
      // Reconnect quickly after the engine restarts (grpc-js backs off up to 120 s by default).
      { 'grpc.max_reconnect_backoff_ms': 2000, 'grpc.initial_reconnect_backoff_ms': 100 },
    );
  }

  /** The tools an agent role may use (`scope.allowedTools` is usable as `--allowedTools`). */
  async getToolScope(req: Partial<GetToolScopeRequest>, opts?: CallOptions): Promise<GetToolScopeResponse> {
    return this.call(
      'GetToolScope',
      this.stub.getToolScope,
      { tenantId: '', agentRole: '', environment: 0, ...req },
      opts,
    );
  }

  /** What is left of the tenant's quota this period, net of reservations. */
  async getQuota(req: Partial<GetQuotaRequest> = {}, opts?: CallOptions): Promise<GetQuotaResponse> {
    return this.call('GetQuota', this.stub.getQuota, { tenantId: '', ...req }, opts);
  }

  /** Reserves quota for a job or rejects it (`admitted`, `rejection`, `message`); idempotent on job id. */
  async admitJob(req: Partial<AdmitJobRequest>, opts?: CallOptions): Promise<AdmitJobResponse> {
    const trace = opts?.trace ?? this.options.trace;
    const withTrace = trace && !req.traceId ? { ...req, traceId: trace.traceId } : req;
    return this.call(
      'AdmitJob',
      this.stub.admitJob,
      {
        tenantId: '',
        jobId: '',
        environment: 0,
        gpuCount: 0,
        maxDurationS: 0,
        estimatedTokens: 0,
        agentRole: '',
        ...withTrace,
      },
      opts,
    );
  }

  /** Gives back a job's reservation. */
  async releaseJob(req: Partial<ReleaseJobRequest>, opts?: CallOptions): Promise<ReleaseJobResponse> {
    return this.call(
      'ReleaseJob',
      this.stub.releaseJob,
      { tenantId: '', jobId: '', reason: '', ...req },
      opts,
    );
  }

  /** Model, variant, tool scope and limits to spawn one agent with. */
  async getAgentConfig(
    req: Partial<GetAgentConfigRequest>,
    opts?: CallOptions,
  ): Promise<GetAgentConfigResponse> {
    return this.call(
      'GetAgentConfig',
      this.stub.getAgentConfig,
      { tenantId: '', agentRole: '', jobId: '', environment: 0, ...req },
      opts,
    );
  }

  close(): void {
    this.stub.close();
  }

  private async call<Req, Res>(
    method: string,
    fn: Unary<Req, Res>,
    req: Req,
    opts: CallOptions = {},
  ): Promise<Res> {
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? 4);
    const span = childSpan(opts.trace ?? this.options.trace);
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${await this.tokens.token()}`);
      metadata.set(TRACEPARENT, formatTraceparent(span));
      try {
        return await this.once(fn, req, metadata, opts);
      } catch (e) {
        const err = e as ServiceError;
        if (typeof err.code !== 'number') throw e;
        if (err.code === Status.UNAUTHENTICATED && !refreshed) {
          // The token expired early or the signing key rotated: exchange the API key again, once.
          refreshed = true;
          this.tokens.invalidate();
          attempt--;
          continue;
        }
        if (!this.retryable.has(err.code) || attempt >= maxAttempts || opts.signal?.aborted)
          throw new PolicyCallError(method, err.code, err.details ?? err.message, attempt);
        const base = this.options.retryBaseMs ?? 100;
        const delay = Math.min(2000, base * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
        await sleep(delay, opts.signal);
      }
    }
  }

  private async once<Req, Res>(
    fn: Unary<Req, Res>,
    req: Req,
    metadata: Metadata,
    opts: CallOptions,
  ): Promise<Res> {
    const deadline = new Date(Date.now() + (opts.deadlineMs ?? this.options.deadlineMs ?? 5000));
    return new Promise<Res>((resolve, reject) => {
      const call = fn.call(this.stub, req, metadata, { deadline }, (err, res) =>
        err ? reject(err) : resolve(res),
      );
      opts.signal?.addEventListener('abort', () => call.cancel(), { once: true });
    });
  }
}
