import type { MigrationInterface, QueryRunner } from 'typeorm';

// The transactional outbox: a tenant change and the TenantEvent announcing it commit together, and a
// relay publishes pending rows to JetStream (Nats-Msg-Id = event_id), so no change goes unannounced.
export class InitTenantRegistrySchema1796400000000 implements MigrationInterface {
  name = 'InitTenantRegistrySchema1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "tenant_registry"."outbox" (
        id bigserial PRIMARY KEY,
        event_id text NOT NULL UNIQUE,
        subject text NOT NULL,
        message_type text NOT NULL,
        payload bytea NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX outbox_unpublished_idx ON "tenant_registry"."outbox" (id) WHERE published_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "tenant_registry"."outbox"`);
  }
}
