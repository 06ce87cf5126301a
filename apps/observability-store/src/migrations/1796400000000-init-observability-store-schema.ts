import type { MigrationInterface, QueryRunner } from 'typeorm';

// The inbox: event ids this service has handled, per consumer, for handlers whose effects are not
// naturally keyed by event_id (DESIGN §4: idempotent on event_id with no time window).
export class InitObservabilityStoreSchema1796400000000 implements MigrationInterface {
  name = 'InitObservabilityStoreSchema1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "observability"."inbox" (
        consumer text NOT NULL,
        event_id text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "observability"."inbox"`);
  }
}
