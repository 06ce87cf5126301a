// PolicyClient against a real gRPC server (grpc-js, the generated service definition) whose answers the
// test scripts: retries on UNAVAILABLE, deadlines, token refresh on UNAUTHENTICATED, metadata.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  Server,
  ServerCredentials,
  status,
  type Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import {
  AdmitJobRejection,
  Environment,
  PolicyServiceService,
  type AdmitJobRequest,
  type AdmitJobResponse,
} from '@auraison/contracts';
import { PolicyCallError, PolicyClient, type TokenSource } from '../src/index.js';

type Handler = (
  req: unknown,
  md: Metadata,
) => { error?: { code: status; details: string }; response?: unknown };

const servers: Server[] = [];
const clients: PolicyClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map(async (s) => new Promise<void>((r) => s.tryShutdown(() => r()))));
});

async function startServer(handle: Handler, port = 0): Promise<{ port: number; seen: Metadata[] }> {
  const seen: Metadata[] = [];
  const unary = (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>): void => {
    seen.push(call.metadata);
    const out = handle(call.request, call.metadata);
    if (out.error)
      cb({ code: out.error.code, details: out.error.details, name: '', message: out.error.details });
    else cb(null, out.response);
  };
  const impl: UntypedServiceImplementation = {
    getToolScope: unary,
    getQuota: unary,
    admitJob: unary,
    releaseJob: unary,
    getAgentConfig: unary,
  };
  const server = new Server();
  server.addService(PolicyServiceService, impl);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  servers.push(server);
  return { port: bound, seen };
}

const admitted = (req: AdmitJobRequest): AdmitJobResponse => ({
  admitted: true,
  reservationId: `res-${req.jobId}`,
  rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_UNSPECIFIED,
  message: 'admitted',
});

function client(port: number, token: TokenSource | string = 'tok', extra = {}): PolicyClient {
  const c = new PolicyClient({
    address: `127.0.0.1:${port}`,
    token,
    retryBaseMs: 10,
    deadlineMs: 3000,
    ...extra,
  });
  clients.push(c);
  return c;
}

class CountingTokens implements TokenSource {
  issued = 0;
  invalidated = 0;
  async token(): Promise<string> {
    const next = await Promise.resolve(++this.issued);
    return `tok-${next}`;
  }
  invalidate(): void {
    this.invalidated++;
  }
}

describe('PolicyClient', () => {
  it('should send the bearer token and a traceparent, and fill unset request fields', async () => {
    let got: AdmitJobRequest | undefined;
    const { port, seen } = await startServer((req) => {
      got = req as AdmitJobRequest;
      return { response: admitted(got) };
    });
    const trace = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    const res = await client(port).admitJob(
      {
        jobId: 'job-1',
        environment: Environment.ENVIRONMENT_TORCH_DEV_GPU,
        gpuCount: 2,
        agentRole: 'cluster',
      },
      { trace },
    );
    expect(res).toMatchObject({ admitted: true, reservationId: 'res-job-1' });
    expect(got).toMatchObject({ jobId: 'job-1', gpuCount: 2, tenantId: '', traceId: trace.traceId });
    expect(seen[0]!.get('authorization')).toEqual(['Bearer tok']);
    expect(String(seen[0]!.get('traceparent')[0])).toMatch(
      /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/,
    );
  });

  it('should retry UNAVAILABLE with the same request and succeed', async () => {
    let n = 0;
    const { port, seen } = await startServer((req) =>
      ++n <= 2
        ? { error: { code: status.UNAVAILABLE, details: 'restarting' } }
        : { response: admitted(req as AdmitJobRequest) },
    );
    const res = await client(port).admitJob({ jobId: 'job-2' });
    expect(res.reservationId).toBe('res-job-2');
    expect(seen).toHaveLength(3);
  });

  it('should give up after maxAttempts, saying what is wrong', async () => {
    const { port, seen } = await startServer(() => ({
      error: { code: status.UNAVAILABLE, details: 'down' },
    }));
    const err = await client(port, 'tok', { maxAttempts: 3 })
      .getQuota()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyCallError);
    expect((err as PolicyCallError).codeName).toBe('UNAVAILABLE');
    expect((err as PolicyCallError).attempts).toBe(3);
    expect((err as Error).message).toMatch(
      /GetQuota failed with UNAVAILABLE: down \(after 3 attempts\) - is the policy engine running/,
    );
    expect(seen).toHaveLength(3);
  });

  it('should not retry other errors', async () => {
    const { port, seen } = await startServer(() => ({
      error: {
        code: status.INVALID_ARGUMENT,
        details: 'gpu_count must be an integer from 0 to 4096 (got -1)',
      },
    }));
    await expect(client(port).admitJob({ jobId: 'j', gpuCount: -1 })).rejects.toThrow(
      /INVALID_ARGUMENT: gpu_count/,
    );
    expect(seen).toHaveLength(1);
  });

  it('should exchange the token again once on UNAUTHENTICATED', async () => {
    const tokens = new CountingTokens();
    const { port, seen } = await startServer((_req, md) =>
      md.get('authorization')[0] === 'Bearer tok-1'
        ? { error: { code: status.UNAUTHENTICATED, details: 'token expired' } }
        : {
            response: {
              model: 'claude-sonnet-4-5',
              variant: '',
              experimentId: '',
              maxDurationS: 60,
              maxTurns: 5,
              configVersion: 3,
            },
          },
    );
    const res = await client(port, tokens).getAgentConfig({ agentRole: 'notebook' });
    expect(res.model).toBe('claude-sonnet-4-5');
    expect(tokens.invalidated).toBe(1);
    expect(seen.map((m) => m.get('authorization')[0])).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('should not loop when the fresh token is refused too', async () => {
    const tokens = new CountingTokens();
    const { port, seen } = await startServer(() => ({
      error: { code: status.UNAUTHENTICATED, details: 'bad key' },
    }));
    await expect(client(port, tokens).getQuota()).rejects.toThrow(/UNAUTHENTICATED: bad key.*mpctl login/);
    expect(seen).toHaveLength(2);
  });

  it('should enforce the deadline of an attempt', async () => {
    const { port } = await startServer(() => {
      const until = Date.now() + 400;
      while (Date.now() < until) {
        // a slow engine
      }
      return { response: {} };
    });
    const started = Date.now();
    await expect(client(port, 'tok', { deadlineMs: 100, maxAttempts: 1 }).getQuota()).rejects.toThrow(
      /DEADLINE_EXCEEDED/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('should reach an engine that starts after the first attempt', async () => {
    // Reserve a port, free it, and start the server there a little later.
    const probe = await startServer(() => ({ response: {} }));
    await new Promise<void>((r) => servers.pop()!.tryShutdown(() => r()));
    const c = client(probe.port, 'tok', { maxAttempts: 8, retryBaseMs: 100 });
    const pending = c.getQuota({ tenantId: 't' });
    await new Promise((r) => setTimeout(r, 300));
    await startServer(
      () => ({
        response: {
          gpuHoursRemaining: 4.5,
          tokenBudgetRemaining: 10,
          jobsInFlight: 1,
          maxJobsInFlight: 2,
          gpuHoursReserved: 0,
          tokensReserved: 0,
        },
      }),
      probe.port,
    );
    await expect(pending).resolves.toMatchObject({ gpuHoursRemaining: 4.5, jobsInFlight: 1 });
  });
});
