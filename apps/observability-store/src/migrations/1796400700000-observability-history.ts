import { createTenantProjectionTable, dropTenantProjectionTable } from '@auraison/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// The append-only decision history (DESIGN §5), owned by whoever runs the migrations:
// - `events`: agent and execution events, partitioned by month of occurred_at (a default partition
//   takes anything outside the monthly ones, so no event is ever refused for its date), hash-chained
//   per tenant (audit/domain/record-chain.ts);
// - `inbox` (landed earlier): one row per (consumer, event_id) ever stored, the once-only guarantee
//   across partitions and beyond JetStream's duplicate window;
// - `chain_heads`: the last seq and hash of each tenant's chain, locked by every ingest transaction;
// - `eval_summaries`: EvaluationSummary messages, append-only (not chained);
// - `tenants`: the tenant projection kept by @auraison/tenancy.
// The service connects with `-c role=observability_writer` (database.ts): that role may INSERT and
// SELECT the history and nothing else, and a trigger refuses UPDATE, DELETE and TRUNCATE of the history
// whatever the role. New monthly partitions are created by ensure_month_partition(), a SECURITY DEFINER
// function the writer may call (only the owner of `events` may create partitions of it).
export const WRITER_ROLE = 'observability_writer';

export class ObservabilityHistory1796400700000 implements MigrationInterface {
  name = 'ObservabilityHistory1796400700000';

  async up(q: QueryRunner): Promise<void> {
    // Roles are global to the PostgreSQL server: create it once, whoever gets there first.
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${WRITER_ROLE}') THEN
          BEGIN
            CREATE ROLE ${WRITER_ROLE} NOLOGIN;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
          END;
        END IF;
        -- The service's login user switches to the role on connect, so it must be a member of it.
        IF NOT pg_has_role(current_user, '${WRITER_ROLE}', 'MEMBER') THEN
          EXECUTE format('GRANT ${WRITER_ROLE} TO %I', current_user);
        END IF;
      END $$`);

    await q.query(`
      CREATE FUNCTION observability.reject_history_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the observability history is append-only: % of %.% is refused',
          TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);

    await q.query(`
      CREATE TABLE observability.events (
        tenant_id uuid NOT NULL,
        seq bigint NOT NULL CHECK (seq > 0),
        kind text NOT NULL CHECK (kind IN ('agent', 'execution')),
        event_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        agent_role text,
        job_id text,
        session_id text,
        trace_id text,
        exit_code integer,
        status text,
        tools text[],
        body text NOT NULL,
        search tsvector,
        prev_hash bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
        row_hash bytea NOT NULL CHECK (octet_length(row_hash) = 32),
        ingested_at timestamptz NOT NULL DEFAULT now()
      ) PARTITION BY RANGE (occurred_at)`);
    await q.query(`CREATE TABLE observability.events_default PARTITION OF observability.events DEFAULT`);
    // Partitioned indexes: every partition gets them.
    await q.query(`CREATE INDEX events_chain_idx ON observability.events (tenant_id, seq)`);
    await q.query(`CREATE INDEX events_time_idx ON observability.events (tenant_id, occurred_at, seq)`);
    await q.query(
      `CREATE INDEX events_job_idx ON observability.events (tenant_id, job_id, occurred_at) WHERE job_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX events_session_idx ON observability.events (tenant_id, session_id, occurred_at) WHERE session_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX events_trace_idx ON observability.events (tenant_id, trace_id) WHERE trace_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX events_tools_idx ON observability.events USING gin (tools)`);
    await q.query(`CREATE INDEX events_search_idx ON observability.events USING gin (search)`);

    await q.query(`
      CREATE TABLE observability.chain_heads (
        tenant_id uuid PRIMARY KEY,
        seq bigint NOT NULL,
        row_hash bytea NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        published_seq bigint NOT NULL DEFAULT 0,
        published_hash bytea,
        published_at timestamptz
      )`);

    await q.query(`
      CREATE TABLE observability.eval_summaries (
        event_id text PRIMARY KEY,
        tenant_id uuid,
        run_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        body text NOT NULL,
        ingested_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX eval_summaries_tenant_idx ON observability.eval_summaries (tenant_id, occurred_at, event_id)`,
    );

    await createTenantProjectionTable(q, 'observability');

    // Append-only, whatever the role: ENABLE ALWAYS keeps the triggers on even in replica mode
    // (session_replication_role = replica), which is how one would otherwise skip them.
    for (const table of ['events', 'inbox', 'eval_summaries']) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON observability.${table}
        FOR EACH ROW EXECUTE FUNCTION observability.reject_history_change()`);
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON observability.${table}
        FOR EACH STATEMENT EXECUTE FUNCTION observability.reject_history_change()`);
      await q.query(`ALTER TABLE observability.${table} ENABLE ALWAYS TRIGGER ${table}_append_only`);
      await q.query(`ALTER TABLE observability.${table} ENABLE ALWAYS TRIGGER ${table}_no_truncate`);
    }
    // TRUNCATE of a partition fires only the partition's own statement triggers.
    await q.query(`
      CREATE TRIGGER events_default_no_truncate BEFORE TRUNCATE ON observability.events_default
      FOR EACH STATEMENT EXECUTE FUNCTION observability.reject_history_change()`);
    await q.query(
      `ALTER TABLE observability.events_default ENABLE ALWAYS TRIGGER events_default_no_truncate`,
    );

    await q.query(`
      CREATE FUNCTION observability.ensure_month_partition(p_month date) RETURNS boolean
      LANGUAGE plpgsql SECURITY DEFINER
      SET search_path = pg_catalog, observability
      SET "TimeZone" = 'UTC'
      AS $$
      DECLARE
        from_at timestamptz := date_trunc('month', p_month::timestamp);
        to_at timestamptz := date_trunc('month', p_month::timestamp) + interval '1 month';
        part text := 'events_' || to_char(p_month, 'YYYY_MM');
      BEGIN
        IF to_regclass('observability.' || quote_ident(part)) IS NOT NULL THEN
          RETURN false;
        END IF;
        -- Rows of that month already in the default partition stay there (moving them would be a DELETE).
        IF EXISTS (SELECT 1 FROM observability.events_default WHERE occurred_at >= from_at AND occurred_at < to_at) THEN
          RETURN false;
        END IF;
        EXECUTE format('CREATE TABLE observability.%I PARTITION OF observability.events FOR VALUES FROM (%L) TO (%L)',
          part, from_at, to_at);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON observability.%I FOR EACH STATEMENT '
          'EXECUTE FUNCTION observability.reject_history_change()', part || '_no_truncate', part);
        EXECUTE format('ALTER TABLE observability.%I ENABLE ALWAYS TRIGGER %I', part, part || '_no_truncate');
        EXECUTE format('ALTER TABLE observability.%I ENABLE ALWAYS TRIGGER events_append_only', part);
        RETURN true;
      EXCEPTION WHEN duplicate_table THEN
        RETURN false; -- another replica created it first
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION observability.ensure_month_partition(date) FROM PUBLIC`);
    // The months around now; the service keeps creating them ahead (partitions/).
    await q.query(`
      SELECT observability.ensure_month_partition((date_trunc('month', now() AT TIME ZONE 'UTC') + m * interval '1 month')::date)
        FROM generate_series(-1, 3) AS m`);

    await q.query(`GRANT USAGE ON SCHEMA observability TO ${WRITER_ROLE}`);
    await q.query(`GRANT SELECT ON observability.migrations TO ${WRITER_ROLE}`);
    await q.query(
      `GRANT SELECT, INSERT ON observability.events, observability.inbox, observability.eval_summaries TO ${WRITER_ROLE}`,
    );
    await q.query(
      `GRANT SELECT, INSERT, UPDATE ON observability.chain_heads, observability.tenants TO ${WRITER_ROLE}`,
    );
    await q.query(`GRANT EXECUTE ON FUNCTION observability.ensure_month_partition(date) TO ${WRITER_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA observability FROM ${WRITER_ROLE}`);
    await q.query(`REVOKE ALL ON SCHEMA observability FROM ${WRITER_ROLE}`);
    await q.query(`DROP FUNCTION observability.ensure_month_partition(date)`);
    await q.query(`DROP TRIGGER inbox_append_only ON observability.inbox`);
    await q.query(`DROP TRIGGER inbox_no_truncate ON observability.inbox`);
    await dropTenantProjectionTable(q, 'observability');
    await q.query(`DROP TABLE observability.eval_summaries`);
    await q.query(`DROP TABLE observability.chain_heads`);
    await q.query(`DROP TABLE observability.events`);
    await q.query(`DROP FUNCTION observability.reject_history_change()`);
    // The role stays while other databases of the server still grant it something.
    await q.query(`
      DO $$
      BEGIN
        DROP ROLE IF EXISTS ${WRITER_ROLE};
      EXCEPTION WHEN dependent_objects_still_exist OR object_in_use THEN
        RAISE NOTICE 'role ${WRITER_ROLE} kept: other databases still use it';
      END $$`);
  }
}
