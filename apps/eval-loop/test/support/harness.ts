// Boots eval-loop for end-to-end tests on its own database and NATS namespace, with a token issuer,
// the plane stub (registry, observability store, billing) and optionally the fake W&B; seeds tenants
// through mp.tenant.events; captures what eval-loop publishes; polls with deadlines.
import { randomUUID } from 'node:crypto';
import { bootTestService, type BootedService, type BootOptions } from '@auraison/app-testing';
import {
  AlertMessage,
  EvaluationSummaryMessage,
  SUBJECTS,
  TenantEventMessage,
  TenantStatus,
  type Alert,
  type EvaluationSummary,
} from '@auraison/contracts';
import { JetStreamPublisher } from '@auraison/messaging';
import { TenantProjection } from '@auraison/tenancy';
import { natsUrl, startTestIssuer, tenantEvent, type TestIssuer, type TestRole } from '@auraison/testing';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { evalLoopService } from '../../src/service.js';
import { startPlaneStub, type PlaneStub } from './plane-stub.js';

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not within ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Messages eval-loop published on a subject of its namespace, decoded. */
export class Captured<T> {
  readonly messages: T[] = [];
  constructor(private readonly sub: Subscription) {}
  async drain(): Promise<void> {
    await this.sub.drain();
  }
}

export interface Harness {
  service: BootedService;
  issuer: TestIssuer;
  stub: PlaneStub;
  nc: NatsConnection;
  alerts: Captured<Alert>;
  summaries: Captured<EvaluationSummary>;
  /** A tenant known to eval-loop (published on mp.tenant.events and projected). */
  tenant(options?: { id?: string; status?: 'active' | 'suspended'; revision?: number }): Promise<string>;
  /** `Authorization` header of a caller with `role` in `tenantId`. */
  auth(
    tenantId: string,
    role: TestRole,
    options?: { platform?: boolean },
  ): Promise<{ Authorization: string }>;
  /** Asks for a manual run and waits until it has finished (any final status); returns the run. */
  runNow(tenantId: string, body?: Record<string, unknown>): Promise<Record<string, unknown>>;
  waitRun(tenantId: string, runId: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Another replica: same database, same NATS namespace, same environment. */
  replica(): Promise<BootedService>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { env?: Record<string, string>; boot?: BootOptions } = {},
): Promise<Harness> {
  const issuer = await startTestIssuer();
  const stub = await startPlaneStub(issuer);
  const env = {
    ...issuer.env,
    ...stub.env,
    EVAL_RUN_RETRY_SECONDS: '0.2',
    EVAL_WEBHOOK_ALLOW_PRIVATE: 'true',
    ...options.env,
  };
  const service = await bootTestService(evalLoopService, { ...options.boot, env });
  const replicas: BootedService[] = [];
  const nc = await connect({ servers: natsUrl() });
  const capture = <T>(subject: string, decode: (b: Uint8Array) => T): Captured<T> => {
    const sub = nc.subscribe(`${service.namespace}.${subject}`);
    const c = new Captured<T>(sub);
    void (async () => {
      for await (const m of sub) c.messages.push(decode(m.data));
    })();
    return c;
  };
  const alerts = capture(SUBJECTS.alerts, (b) => AlertMessage.decode(b));
  const summaries = capture(SUBJECTS.evalSummaries, (b) => EvaluationSummaryMessage.decode(b));
  const publisher = service.app.get(JetStreamPublisher);
  const projection = service.app.get(TenantProjection);
  await nc.flush();

  const harness: Harness = {
    service,
    issuer,
    stub,
    nc,
    alerts,
    summaries,
    tenant: async ({ id = randomUUID(), status = 'active', revision = 1 } = {}) => {
      await publisher.publish(
        TenantEventMessage,
        SUBJECTS.tenantEvents,
        tenantEvent({
          tenantId: id,
          slug: `t-${id.slice(0, 8)}`,
          revision,
          status:
            status === 'active' ? TenantStatus.TENANT_STATUS_ACTIVE : TenantStatus.TENANT_STATUS_SUSPENDED,
        }),
      );
      await eventually(`tenant ${id} projected`, async () => {
        const t = await projection.get(id, Date.now() + 10_000);
        return t && t.revision >= revision ? t : undefined;
      });
      return id;
    },
    auth: async (tenantId, role, { platform } = {}) => ({
      Authorization: `Bearer ${await issuer.token({ tenantId, roles: [role], ...(platform ? { platform } : {}) })}`,
    }),
    waitRun: async (tenantId, runId, timeoutMs = 20_000) => {
      const auth = await harness.auth(tenantId, 'viewer');
      return eventually(
        `run ${runId} finished`,
        async () => {
          const res = await service.http.get(`/api/v1/eval/runs/${runId}`).set(auth);
          const body = res.body as Record<string, unknown>;
          return ['succeeded', 'degraded', 'failed'].includes(body.status as string) ? body : undefined;
        },
        timeoutMs,
      );
    },
    runNow: async (tenantId, body = {}) => {
      const res = await service.http
        .post('/api/v1/eval/runs')
        .set(await harness.auth(tenantId, 'tenant_admin'))
        .send(body);
      if (res.status !== 202) throw new Error(`POST /runs answered ${res.status}: ${res.text}`);
      return harness.waitRun(tenantId, (res.body as { id: string }).id);
    },
    replica: async () => {
      const replica = await bootTestService(evalLoopService, { env, replicaOf: service });
      replicas.push(replica);
      return replica;
    },
    close: async () => {
      for (const r of replicas) await r.close();
      await alerts.drain().catch(() => undefined);
      await summaries.drain().catch(() => undefined);
      await nc.close();
      await service.close();
      await stub.close();
      await issuer.close();
    },
  };
  return harness;
}
