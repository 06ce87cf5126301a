// What the policy engine's end-to-end tests share: booting replicas that trust a test token issuer,
// announcing tenants through mp.tenant.events, and clients for the gRPC and NATS doors.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  credentials,
  loadPackageDefinition,
  makeGenericClientConstructor,
  Metadata,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import {
  CONTENT_TYPE_HEADER,
  Environment,
  PolicyServiceService,
  SUBJECTS,
  TenantEventMessage,
  TenantStatus,
  type QuotaConfig,
} from '@auraison/contracts';
import { JetStreamPublisher } from '@auraison/messaging';
import { TenantProjection, type TenantRecord } from '@auraison/tenancy';
import { natsUrl, startTestIssuer, tenantEvent, type TestIssuer, type TestRole } from '@auraison/testing';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { policyEngineService } from '../../src/service.js';
import type { PolicyEngineConfig } from '../../src/config.js';

export type Service = BootedService<PolicyEngineConfig>;

export const QUOTA: QuotaConfig = {
  gpuHoursPerPeriod: 100,
  tokenBudgetPerPeriod: 1_000_000,
  maxJobsInFlight: 20,
  defaultMaxJobDurationS: 3600,
  periodAnchorDay: 1,
  maxGpus: 8,
};

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startIssuer(): Promise<TestIssuer> {
  return startTestIssuer();
}

export async function bootPolicyEngine(
  issuer: TestIssuer,
  options: { env?: Record<string, string>; replicaOf?: Service } = {},
): Promise<Service> {
  return bootTestService(policyEngineService, {
    env: { ...issuer.env, MP_SWEEP_INTERVAL_MS: '200', ...options.env },
    ...(options.replicaOf ? { replicaOf: options.replicaOf } : {}),
  });
}

export interface TenantOptions {
  tenantId?: string;
  revision?: number;
  status?: 'active' | 'suspended';
  environments?: Environment[];
  quota?: Partial<QuotaConfig>;
}

/** Publishes a TenantEvent and waits until every given replica's projection has it. */
export async function announceTenant(
  services: Service[],
  options: TenantOptions = {},
): Promise<TenantRecord> {
  const tenantId = options.tenantId ?? randomUUID();
  const revision = options.revision ?? 1;
  await services[0]!.app.get(JetStreamPublisher).publish(
    TenantEventMessage,
    SUBJECTS.tenantEvents,
    tenantEvent({
      tenantId,
      revision,
      slug: `t-${tenantId.slice(0, 8)}`,
      status:
        options.status === 'suspended'
          ? TenantStatus.TENANT_STATUS_SUSPENDED
          : TenantStatus.TENANT_STATUS_ACTIVE,
      allowedEnvironments: options.environments ?? [
        Environment.ENVIRONMENT_TORCH_DEV_GPU,
        Environment.ENVIRONMENT_ROS_DEV_GPU,
      ],
      quota: { ...QUOTA, ...options.quota },
    }),
  );
  // The row first (the consumer), then each replica's one-second read cache.
  const db = services[0]!.app.get(DataSource);
  await eventually(async () => {
    const rows = await db.query<Array<{ revision: string }>>(
      `SELECT revision FROM policy.tenants WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0] && Number(rows[0].revision) >= revision ? true : undefined;
  });
  let record: TenantRecord | undefined;
  for (const s of services) {
    const projection = s.app.get(TenantProjection);
    record = await eventually(async () => {
      const r = await projection.get(tenantId);
      return r && r.revision >= revision ? r : undefined;
    }, 3000);
  }
  return record!;
}

export interface Caller {
  tenantId: string;
  role: TestRole;
  token: string;
  auth: { Authorization: string };
}

export async function caller(issuer: TestIssuer, tenantId: string, role: TestRole): Promise<Caller> {
  const token = await issuer.token({
    tenantId,
    roles: [role],
    subjectType: role === 'service' ? 'service_account' : 'user',
  });
  return { tenantId, role, token, auth: { Authorization: `Bearer ${token}` } };
}

type UnaryMethod = keyof typeof PolicyServiceService;

/** A grpc-js client of PolicyService (what the README shows). */
export class PolicyGrpcClient {
  private readonly client: Client & Record<string, unknown>;

  constructor(address: string) {
    const Ctor = makeGenericClientConstructor(PolicyServiceService, 'PolicyService');
    this.client = new Ctor(address, credentials.createInsecure());
  }

  async call<T>(method: UnaryMethod, request: unknown, token?: string): Promise<T> {
    const metadata = new Metadata();
    if (token) metadata.set('authorization', `Bearer ${token}`);
    const fn = this.client[method] as (
      req: unknown,
      md: Metadata,
      cb: (err: ServiceError | null, res: T) => void,
    ) => void;
    return new Promise<T>((resolve, reject) => {
      fn.call(this.client, request, metadata, (err, res) => (err ? reject(err) : resolve(res)));
    });
  }

  /** The error a call fails with (fails the test when it succeeds). */
  async error(method: UnaryMethod, request: unknown, token?: string): Promise<ServiceError> {
    try {
      await this.call(method, request, token);
    } catch (e) {
      return e as ServiceError;
    }
    throw new Error(`${method} succeeded but an error was expected`);
  }

  close(): void {
    this.client.close();
  }
}

/** A plain NATS client of the NATS door (no framework). */
export class PolicyNatsClient {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly namespace: string,
  ) {}

  static async connect(namespace: string): Promise<PolicyNatsClient> {
    return new PolicyNatsClient(await connect({ servers: natsUrl() }), namespace);
  }

  /** Sends a request; answers the reply's status header and body. */
  async request(
    method: string,
    body: Uint8Array | object,
    token?: string,
    subject = `${SUBJECTS.policyRequests}.${method}`,
  ): Promise<{
    status: number;
    statusName: string;
    error: string;
    data: Uint8Array;
    json: () => Record<string, unknown>;
  }> {
    const h = headers();
    if (token) h.set('Authorization', `Bearer ${token}`);
    let data: Uint8Array;
    if (body instanceof Uint8Array) data = body;
    else {
      h.set(CONTENT_TYPE_HEADER, 'application/json');
      data = Buffer.from(JSON.stringify(body));
    }
    const reply = await this.nc.request(`${this.namespace}.${subject}`, data, { headers: h, timeout: 5000 });
    return {
      status: Number(reply.headers?.get('Mp-Status') ?? 'NaN'),
      statusName: reply.headers?.get('Mp-Status-Name') ?? '',
      error: reply.headers?.get('Mp-Error') ?? '',
      data: reply.data,
      json: () => JSON.parse(Buffer.from(reply.data).toString('utf8')) as Record<string, unknown>,
    };
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}

function loadClient(protoPath: string, service: string, address: string): Client & Record<string, unknown> {
  const pkg = loadPackageDefinition(loadSync(protoPath, { keepCase: true, enums: String, defaults: true }));
  const Ctor = service.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], pkg) as new (
    address: string,
    creds: ReturnType<typeof credentials.createInsecure>,
  ) => Client & Record<string, unknown>;
  return new Ctor(address, credentials.createInsecure());
}

/** grpc.health.v1.Health/Check of `service` ('' for the server). */
export async function grpcHealth(address: string, service: string): Promise<string> {
  const client = loadClient(healthProtoPath, 'grpc.health.v1.Health', address);
  try {
    return await new Promise<string>((resolve, reject) =>
      (
        client.check as (req: object, cb: (e: ServiceError | null, r: { status: string }) => void) => void
      ).call(client, { service }, (err, res) => (err ? reject(err) : resolve(res.status))),
    );
  } finally {
    client.close();
  }
}

/** The services a server lists through gRPC server reflection (v1). */
export async function reflectedServices(address: string): Promise<string[]> {
  const path = createRequire(import.meta.url).resolve(
    '@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto',
  );
  const client = loadClient(path, 'grpc.reflection.v1.ServerReflection', address);
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const call = (client.ServerReflectionInfo as () => NodeJS.ReadWriteStream & { end(): void }).call(
        client,
      );
      call.on('data', (res: { list_services_response?: { service: Array<{ name: string }> } }) =>
        resolve((res.list_services_response?.service ?? []).map((s) => s.name)),
      );
      call.on('error', reject);
      call.write({ list_services: '' } as never);
      call.end();
    });
  } finally {
    client.close();
  }
}
