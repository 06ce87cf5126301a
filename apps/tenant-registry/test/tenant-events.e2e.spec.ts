// TenantEvents through the transactional outbox to JetStream (real PostgreSQL and NATS): every tenant
// change is published once, in order, with the tenant's full state after it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import {
  Environment,
  SUBJECTS,
  TenantEventMessage,
  TenantEventType,
  TenantStatus,
  type TenantEvent,
} from '@auraison/contracts';
import { Namespace } from '@auraison/messaging';
import { natsUrl } from '@auraison/testing';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { generateApiKey } from '../src/auth/domain/api-key.js';
import { tenantRegistryService } from '../src/service.js';
import { eventually, Seeder, type Actor } from './support/seed.js';

interface Published {
  event: TenantEvent;
  msgId: string | undefined;
  subject: string;
}

describe('tenant events (real PostgreSQL and NATS)', () => {
  let service: BootedService;
  let seed: Seeder;
  let admin: Actor;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let stream: string;

  const http = () => service.http;

  async function published(): Promise<Published[]> {
    const info = await jsm.streams.info(stream);
    const out: Published[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      if (!m) continue;
      out.push({
        event: TenantEventMessage.decode(m.data),
        msgId: m.header.get('Nats-Msg-Id'),
        subject: m.subject,
      });
    }
    return out;
  }

  /** The stream once it holds `count` messages (and no more arrive shortly after). */
  async function publishedCount(count: number): Promise<Published[]> {
    return eventually(async () => {
      const all = await published();
      return all.length >= count ? all : undefined;
    });
  }

  async function outbox(): Promise<Array<{ event_id: string; published: boolean }>> {
    return seed.db.query(
      `SELECT event_id, published_at IS NOT NULL AS published FROM tenant_registry.outbox ORDER BY id`,
    );
  }

  beforeAll(async () => {
    service = await bootTestService(tenantRegistryService, {
      env: { MP_BOOTSTRAP_ADMIN_KEY: generateApiKey().token },
    });
    seed = new Seeder(service);
    admin = await seed.platformAdmin();
    nc = await connect({ servers: natsUrl() });
    jsm = await jetstreamManager(nc);
    stream = new Namespace(service.namespace).stream('MP_TENANT_EVENTS');
  });

  afterAll(async () => {
    await nc?.close();
    await service?.close();
  });

  let tenantId: string;
  let userId: string;

  it('should publish TENANT_EVENT_TYPE_CREATED with the full state once a tenant is created', async () => {
    const res = await http()
      .post('/api/v1/tenants')
      .set(admin.auth)
      .send({
        slug: 'evented',
        name: 'Evented',
        allowed_environments: ['ros.dev.gpu'],
        quota: {
          gpu_hours_per_period: 10.25,
          token_budget_per_period: 1_000_000,
          max_jobs_in_flight: 3,
          default_max_job_duration_s: 900,
          period_anchor_day: 5,
          max_gpus: 2,
          cpu_cores: 8,
          memory_gib: 32,
        },
      });
    expect(res.status).toBe(201);
    tenantId = res.body.id;
    const [first] = await publishedCount(1);
    expect(first!.subject).toBe(`${service.namespace}.${SUBJECTS.tenantEvents}`);
    expect(first!.event).toMatchObject({
      type: TenantEventType.TENANT_EVENT_TYPE_CREATED,
      tenantId,
      slug: 'evented',
      name: 'Evented',
      status: TenantStatus.TENANT_STATUS_ACTIVE,
      k8sNamespace: 'mp-evented',
      allowedEnvironments: [Environment.ENVIRONMENT_ROS_DEV_GPU],
      quota: {
        gpuHoursPerPeriod: 10.25,
        tokenBudgetPerPeriod: 1_000_000,
        maxJobsInFlight: 3,
        defaultMaxJobDurationS: 900,
        periodAnchorDay: 5,
      },
      actorId: admin.id,
      revision: 1,
    });
    expect(first!.msgId).toBe(first!.event.eventId);
    expect(TenantEventMessage.validate(first!.event)).toEqual([]);
  });

  it('should publish every later change in order, each with the next revision', async () => {
    const tenantAdmin = await seed.actor(tenantId, 'tenant_admin');
    const steps = [
      () => http().patch(`/api/v1/tenants/${tenantId}`).set(tenantAdmin.auth).send({ name: 'Evented Inc' }),
      () =>
        http().put(`/api/v1/tenants/${tenantId}/quota`).set(admin.auth).send({
          gpu_hours_per_period: 20,
          token_budget_per_period: 2,
          max_jobs_in_flight: 1,
          default_max_job_duration_s: 60,
          period_anchor_day: 1,
          max_gpus: 0,
          cpu_cores: 0,
          memory_gib: 0,
        }),
      () =>
        http()
          .post(`/api/v1/tenants/${tenantId}/users`)
          .set(tenantAdmin.auth)
          .send({ email: 'grace@example.com', role: 'member' }),
      () => http().post(`/api/v1/tenants/${tenantId}/suspend`).set(admin.auth),
      () => http().post(`/api/v1/tenants/${tenantId}/reactivate`).set(admin.auth),
    ];
    for (const step of steps) expect((await step()).status).toBeLessThan(300);
    userId = (
      await seed.db.query(`SELECT id FROM tenant_registry.users WHERE email = 'grace@example.com'`)
    )[0].id;
    for (const step of [
      () =>
        http()
          .patch(`/api/v1/tenants/${tenantId}/users/${userId}`)
          .set(tenantAdmin.auth)
          .send({ role: 'viewer' }),
      () => http().delete(`/api/v1/tenants/${tenantId}/users/${userId}`).set(tenantAdmin.auth),
    ])
      expect((await step()).status).toBeLessThan(300);

    const events = (await publishedCount(8)).map((p) => p.event);
    expect(events.map((e) => [e.type, e.revision])).toEqual([
      [TenantEventType.TENANT_EVENT_TYPE_CREATED, 1],
      [TenantEventType.TENANT_EVENT_TYPE_UPDATED, 2],
      [TenantEventType.TENANT_EVENT_TYPE_QUOTA_CHANGED, 3],
      [TenantEventType.TENANT_EVENT_TYPE_MEMBERSHIP_CHANGED, 4],
      [TenantEventType.TENANT_EVENT_TYPE_SUSPENDED, 5],
      [TenantEventType.TENANT_EVENT_TYPE_REACTIVATED, 6],
      [TenantEventType.TENANT_EVENT_TYPE_MEMBERSHIP_CHANGED, 7],
      [TenantEventType.TENANT_EVENT_TYPE_MEMBERSHIP_CHANGED, 8],
    ]);
    expect(events[1]).toMatchObject({ name: 'Evented Inc', actorId: tenantAdmin.id });
    expect(events[2]!.quota).toMatchObject({ gpuHoursPerPeriod: 20, maxJobsInFlight: 1 });
    expect(events[3]).toMatchObject({ userId, role: 'member', name: 'Evented Inc' });
    expect(events[4]!.status).toBe(TenantStatus.TENANT_STATUS_SUSPENDED);
    expect(events[5]!.status).toBe(TenantStatus.TENANT_STATUS_ACTIVE);
    expect(events[6]).toMatchObject({ userId, role: 'viewer' });
    expect(events[7]).toMatchObject({ userId, role: '' });
    const [{ revision }] = await seed.db.query(`SELECT revision FROM tenant_registry.tenants WHERE id = $1`, [
      tenantId,
    ]);
    expect(Number(revision)).toBe(8);
  });

  it('should mark every outbox row published, each event once on the stream', async () => {
    const rows = await eventually(async () => {
      const all = await outbox();
      return all.every((r) => r.published) ? all : undefined;
    });
    const onStream = await published();
    expect(onStream.map((p) => p.event.eventId)).toEqual(rows.map((r) => r.event_id));
    expect(new Set(onStream.map((p) => p.event.eventId)).size).toBe(onStream.length);
  });

  it('should publish nothing for a change that failed or changed nothing', async () => {
    const before = (await outbox()).length;
    const dup = await http().post('/api/v1/tenants').set(admin.auth).send({ slug: 'evented', name: 'again' });
    expect(dup.status).toBe(409);
    const same = await http().post(`/api/v1/tenants/${tenantId}/reactivate`).set(admin.auth);
    expect(same.status).toBe(200);
    expect((await outbox()).length).toBe(before);
  });

  it('should not duplicate an event republished after a crash between publishing and marking', async () => {
    const before = await published();
    // As if the relay had died after the PubAck but before its COMMIT.
    await seed.db.query(`UPDATE tenant_registry.outbox SET published_at = NULL`);
    await eventually(async () => ((await outbox()).every((r) => r.published) ? true : undefined));
    const after = await published();
    expect(after.length).toBe(before.length);
    expect(after.map((p) => p.event.eventId)).toEqual(before.map((p) => p.event.eventId));
  });
});
