// The evaluation loop inside the real plane (real PostgreSQL and NATS, nothing stood in): the tenant
// registry issues eval-loop's service token (a viewer service account of the platform tenant) and
// announces the tenant; the observability store and billing ingest the events published on NATS;
// eval-loop reads them over HTTP, and its signals carry exactly the expected rates, percentiles,
// tokens and billing's own job cost; the observability store stores the EvaluationSummary.
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import { AgentEventMessage, ExecutionEventMessage, SUBJECTS } from '@auraison/contracts';
import { JetStreamPublisher } from '@auraison/messaging';
import { uniqueNamespace } from '@auraison/testing';
import type { ServiceDefinition } from '@auraison/runtime';
import { evalLoopService } from '../src/service.js';
import { parseMicros } from '../src/inputs/adapters/billing-costs.source.js';
import { eventually } from './support/harness.js';
import { jobs } from './support/jobs.js';

async function listen(service: BootedService): Promise<string> {
  await service.app.listen({ port: 0, host: '127.0.0.1' });
  const address = service.app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

// The neighbours are booted as they are, as black boxes: loaded by path at run time and used only
// through their ServiceDefinition, so this app's typecheck and lint do not depend on their sources
// (apps never import apps; a neighbour's work in progress must not break eval-loop's build).
const APPS = join(import.meta.dirname, '../..');
async function neighbour(path: string, name: string): Promise<ServiceDefinition> {
  const module = (await import(join(APPS, path))) as Record<string, ServiceDefinition>;
  const definition = module[name];
  if (!definition) throw new Error(`${path} exports no ${name}`);
  return definition;
}

describe('eval-loop in the real plane (registry, observability store, billing; real PostgreSQL and NATS)', () => {
  const namespace = uniqueNamespace();
  // An API key in the registry's format (mpk_<12 base32>_<43 base64url>), installed as the bootstrap admin's.
  const adminKey = `mpk_${[...randomBytes(12)].map((b) => 'abcdefghijklmnopqrstuvwxyz234567'[b % 32]).join('')}_${randomBytes(32).toString('base64url')}`;
  const services: BootedService[] = [];
  let registry: BootedService;
  let store: BootedService;
  let billing: BootedService;
  let evalLoop: BootedService;
  let admin: { Authorization: string };
  let tenantId: string;
  let run: Record<string, unknown>;
  let lakehouseJobIds: string[];

  const boot = async (definition: Parameters<typeof bootTestService>[0], env: Record<string, string>) => {
    const service = await bootTestService(definition, { env: { MP_NATS_NAMESPACE: namespace, ...env } });
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    registry = await boot(await neighbour('tenant-registry/src/service.ts', 'tenantRegistryService'), {
      MP_BOOTSTRAP_ADMIN_KEY: adminKey,
    });
    const registryUrl = await listen(registry);
    const trust = { MP_JWKS_URL: `${registryUrl}/.well-known/jwks.json` };
    const token = await registry.http.post('/api/v1/auth/token').send({ api_key: adminKey });
    admin = { Authorization: `Bearer ${token.body.access_token as string}` };
    const platformTenant = token.body.tenant_id as string;

    // eval-loop's identity: a viewer service account of the platform tenant (reads every tenant).
    const sa = await registry.http
      .post(`/api/v1/tenants/${platformTenant}/service-accounts`)
      .set(admin)
      .send({ name: 'eval-loop', role: 'viewer' });
    expect(sa.status).toBe(201);
    const key = await registry.http
      .post(`/api/v1/tenants/${platformTenant}/api-keys`)
      .set(admin)
      .send({ name: 'eval-loop', service_account_id: sa.body.id });
    expect(key.status).toBe(201);

    store = await boot(
      await neighbour('observability-store/src/service.ts', 'observabilityStoreService'),
      trust,
    );
    billing = await boot(await neighbour('billing/src/service.ts', 'billingService'), trust);
    evalLoop = await boot(evalLoopService, {
      ...trust,
      MP_TENANT_REGISTRY_URL: registryUrl,
      MP_OBSERVABILITY_URL: await listen(store),
      MP_BILLING_URL: await listen(billing),
      MP_SERVICE_API_KEY: key.body.api_key as string,
    });

    const tenant = await registry.http
      .post('/api/v1/tenants')
      .set(admin)
      .send({
        slug: `t-${randomUUID().slice(0, 8)}`,
        name: 'Plane test',
        allowed_environments: ['torch.dev.gpu'],
      });
    expect(tenant.status).toBe(201);
    tenantId = tenant.body.id as string;

    // 60 lakehouse jobs of the notebook agent, the first 15 failed, job i taking (i + 1) s.
    const g = jobs({
      tenantId,
      count: 60,
      failed: 15,
      labels: { job_kind: 'lakehouse' },
      durationMs: (i) => (i + 1) * 1000,
      tokensIn: 10_000,
      tokensOut: 2_000,
    });
    lakehouseJobIds = g.jobIds;
    const publisher = evalLoop.app.get(JetStreamPublisher);
    for (const e of g.agents) await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, e);
    for (const e of g.executions) await publisher.publish(ExecutionEventMessage, SUBJECTS.executionEvents, e);

    // The store has every event, billing has priced the last job.
    await eventually(
      'the store ingested 120 events',
      async () => {
        let n = 0;
        let cursor: string | undefined;
        do {
          const res = await store.http
            .get('/api/v1/events')
            .query({ tenant_id: tenantId, limit: 200, ...(cursor ? { cursor } : {}) })
            .set(admin);
          n += (res.body.items as unknown[] | undefined)?.length ?? 0;
          cursor = res.body.next_cursor ?? undefined;
        } while (cursor);
        return n === 120 ? n : undefined;
      },
      60_000,
    );
    await eventually(
      'billing priced every job',
      async () => {
        const res = await billing.http.get(`/api/v1/billing/usage?tenant_id=${tenantId}`).set(admin);
        return res.status === 200 && res.body.total?.events === 120 && res.body.total?.unpriced_events === 0
          ? true
          : undefined;
      },
      60_000,
    );

    const requested = await evalLoop.http.post('/api/v1/eval/runs').set(admin).send({ tenant_id: tenantId });
    expect(requested.status).toBe(202);
    run = await eventually(
      'the evaluation run finished',
      async () => {
        const res = await evalLoop.http
          .get(`/api/v1/eval/runs/${requested.body.id}?tenant_id=${tenantId}`)
          .set(admin);
        const body = res.body as Record<string, unknown>;
        return ['succeeded', 'degraded', 'failed'].includes(body.status as string) ? body : undefined;
      },
      30_000,
    );
  }, 120_000);

  afterAll(async () => {
    for (const s of services.reverse()) await s.close().catch(() => undefined);
  });

  it('should read every event and every job cost through the real APIs with its service token', () => {
    // No W&B configured in this plane: the run is degraded for that reason only.
    expect(run).toMatchObject({
      status: 'degraded',
      degraded_reason:
        'W&B metrics unavailable: W&B is not configured (set WANDB_ENTITY, WANDB_PROJECT and WANDB_API_KEY)',
    });
    expect(run.inputs).toMatchObject({
      executions: 60,
      agent_events: 60,
      outcomes: 60,
      jobs: 60,
      jobs_with_cost: 60,
    });
  });

  it('should give exactly the expected rate, interval, percentiles, tokens and billing’s own cost', async () => {
    const res = await evalLoop.http
      .get(`/api/v1/eval/signals?tenant_id=${tenantId}&job_label=lakehouse`)
      .set(admin);
    expect(res.body.items).toHaveLength(1);
    const s = res.body.items[0];
    expect(s).toMatchObject({ agent_role: 'notebook', runs: 60, successes: 45, small_sample: false });
    // Wilson 95% for 45/60, computed independently: 0.6276792992295218 .. 0.8422347746994333.
    expect(s.success_rate_ci_low).toBeCloseTo(0.6276792992295218, 9);
    expect(s.success_rate_ci_high).toBeCloseTo(0.8422347746994333, 9);
    // Durations 1..60 s, R-7: p50 = 30.5 s, p90 = 54.1 s, p99 = 59.41 s.
    expect(s.latency_p50_ms).toBeCloseTo(30_500, 6);
    expect(s.latency_p90_ms).toBeCloseTo(54_100, 6);
    expect(s.latency_p99_ms).toBeCloseTo(59_410, 6);
    expect(s.tokens_per_success).toBe(12_000);
    // Every successful job costs the same: billing's answer for one of them, to the micro-unit.
    const job = await billing.http
      .get(`/api/v1/billing/jobs/${lakehouseJobIds[59]}?tenant_id=${tenantId}`)
      .set(admin);
    expect(s.cost_micros_per_success).toBe(parseMicros(job.body.cost as string).toString());
    expect(BigInt(s.cost_micros_per_success as string)).toBeGreaterThan(0n);
    expect(s.text).toBe(
      'notebook on torch.dev.gpu: 25% failure rate for lakehouse jobs (n=60, 95% CI 16-37%)',
    );
  });

  it('should have its EvaluationSummary stored by the observability store', async () => {
    const stored = await eventually('summary stored', async () => {
      const res = await store.http
        .get(`/api/v1/evaluations?tenant_id=${tenantId}&run_id=${String(run.id)}`)
        .set(admin);
      const items = res.body.items as Array<Record<string, unknown>> | undefined;
      return items?.length ? items[0] : undefined;
    });
    expect(stored).toMatchObject({
      run_id: run.id,
      tenant_id: tenantId,
      event_id: `eval-loop:summary:${String(run.id)}`,
    });
  });
});
