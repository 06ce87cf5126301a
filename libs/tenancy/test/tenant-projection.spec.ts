import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CONSUMERS, SUBJECTS, TenantEventMessage, TenantStatus, Environment } from '@auraison/contracts';
import { JetStreamPublisher, MessagingModule } from '@auraison/messaging';
import { createLogger, ObservabilityModule } from '@auraison/observability';
import { applyMigrations, PersistenceModule } from '@auraison/persistence';
import {
  createTestDatabase,
  deleteNamespace,
  natsUrl,
  tenantEvent,
  uniqueNamespace,
  type TestDatabase,
} from '@auraison/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import {
  createTenantProjectionTable,
  dropTenantProjectionTable,
  TenancyModule,
  TenantProjection,
} from '../src/index.js';

class CreateTenants1700000000000 implements MigrationInterface {
  name = 'CreateTenants1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await createTenantProjectionTable(q, 'svc');
  }
  async down(q: QueryRunner): Promise<void> {
    await dropTenantProjectionTable(q, 'svc');
  }
}

describe('tenant projection (real PostgreSQL and NATS)', () => {
  let db: TestDatabase;
  const namespace = uniqueNamespace();
  let app: Awaited<ReturnType<ReturnType<typeof Test.createTestingModule>['compile']>>;

  beforeAll(async () => {
    db = await createTestDatabase('mp_tenancy');
    await applyMigrations({
      service: 'svc',
      url: db.url,
      schema: 'svc',
      migrations: [CreateTenants1700000000000],
    });

    @Module({
      imports: [
        ObservabilityModule.forRoot({
          service: 'svc',
          logger: createLogger({ service: 'svc', level: 'silent' }),
        }),
        PersistenceModule.forRoot({
          service: 'svc',
          url: db.url,
          schema: 'svc',
          migrations: [CreateTenants1700000000000],
        }),
        MessagingModule.forRoot({ url: natsUrl(), namespace, serviceName: 'svc', streams: ['tenantEvents'] }),
        TenancyModule.forRoot({
          schema: 'svc',
          consumer: CONSUMERS.billingTenantEvents,
          consumerSettings: { maxBatchWaitMs: 20 },
        }),
      ],
    })
    class SvcModule {}

    app = await Test.createTestingModule({ imports: [SvcModule] }).compile();
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    const nc = await connect({ servers: natsUrl() });
    await deleteNamespace(await jetstreamManager(nc), namespace);
    await nc.close();
  });

  async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const v = await read();
      if (ok(v) || Date.now() > deadline) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('should keep the newest revision of each tenant from published TenantEvents', async () => {
    const tenantId = randomUUID();
    const publisher = app.get(JetStreamPublisher);
    const projection = app.get(TenantProjection);
    await publisher.publish(
      TenantEventMessage,
      SUBJECTS.tenantEvents,
      tenantEvent({ tenantId, revision: 1, slug: 'acme' }),
    );
    await publisher.publish(
      TenantEventMessage,
      SUBJECTS.tenantEvents,
      tenantEvent({
        tenantId,
        revision: 3,
        slug: 'acme',
        status: TenantStatus.TENANT_STATUS_SUSPENDED,
        allowedEnvironments: [Environment.ENVIRONMENT_ROS_DEV_GPU],
        quota: {
          gpuHoursPerPeriod: 12.5,
          tokenBudgetPerPeriod: 1000,
          maxJobsInFlight: 2,
          defaultMaxJobDurationS: 600,
          periodAnchorDay: 15,
          maxGpus: 4,
        },
      }),
    );
    // An older revision arriving late changes nothing.
    await publisher.publish(
      TenantEventMessage,
      SUBJECTS.tenantEvents,
      tenantEvent({ tenantId, revision: 2, slug: 'acme' }),
    );
    const record = await eventually(
      async () => projection.get(tenantId, Date.now() + 10_000),
      (r) => r?.revision === 3,
    );
    expect(record).toMatchObject({
      tenantId,
      status: 'suspended',
      allowedEnvironments: ['ros.dev.gpu'],
      quota: { gpuHoursPerPeriod: 12.5, tokenBudgetPerPeriod: 1000, periodAnchorDay: 15, maxGpus: 4 },
      revision: 3,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await projection.get(tenantId, Date.now() + 20_000))?.revision).toBe(3);
  });

  it('should ignore stale and repeated events when applied directly', async () => {
    const projection = app.get(TenantProjection);
    const tenantId = randomUUID();
    expect(
      await projection.apply([
        tenantEvent({ tenantId, revision: 5 }),
        tenantEvent({ tenantId, revision: 4 }),
      ]),
    ).toBe(1);
    expect(await projection.apply([tenantEvent({ tenantId, revision: 5 })])).toBe(0);
    expect(await projection.apply([tenantEvent({ tenantId, revision: 6, name: 'renamed' })])).toBe(1);
    expect((await projection.get(tenantId))?.name).toBe('renamed');
    expect(await projection.get(randomUUID())).toBeUndefined();
    const ds = app.get(DataSource);
    const rows = await ds.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM svc.tenants WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(rows[0]!.n).toBe(1);
  });
});
