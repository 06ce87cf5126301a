import { createTenantProjectionTable, dropTenantProjectionTable } from '@auraison/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// Evaluation runs with their summaries and signals, alert rules and the state of each alert, the
// outgoing alert deliveries (NATS and webhooks), per-tenant execution counters for the every-N trigger
// and the tenant projection.
export class EvalLoopDomain1796400600000 implements MigrationInterface {
  name = 'EvalLoopDomain1796400600000';

  async up(q: QueryRunner): Promise<void> {
    await createTenantProjectionTable(q, 'eval_loop');
    await q.query(`
      CREATE TABLE eval_loop.runs (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'execution_count', 'manual')),
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'degraded', 'failed')),
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        attempt integer NOT NULL DEFAULT 1,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        degraded_reason text,
        error text,
        summary jsonb
      )`);
    await q.query(`CREATE INDEX runs_tenant_idx ON eval_loop.runs (tenant_id, started_at DESC, id)`);
    await q.query(`
      CREATE TABLE eval_loop.signals (
        run_id uuid NOT NULL REFERENCES eval_loop.runs (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        agent_role text NOT NULL,
        environment text NOT NULL,
        model text NOT NULL,
        variant text NOT NULL,
        job_label text NOT NULL,
        runs integer NOT NULL,
        successes integer NOT NULL,
        success_rate double precision NOT NULL,
        ci_low double precision NOT NULL,
        ci_high double precision NOT NULL,
        latency_p50_ms double precision,
        latency_p90_ms double precision,
        latency_p99_ms double precision,
        tokens_per_success double precision NOT NULL,
        cost_micros_per_success bigint NOT NULL,
        wandb_metric_deltas jsonb NOT NULL DEFAULT '{}',
        small_sample boolean NOT NULL,
        text text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, agent_role, environment, model, variant, job_label)
      )`);
    await q.query(`CREATE INDEX signals_tenant_idx ON eval_loop.signals (tenant_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE eval_loop.alert_rules (
        id uuid PRIMARY KEY,
        tenant_id uuid,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        metric text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('above', 'below')),
        threshold double precision NOT NULL,
        clear_threshold double precision,
        min_sample_size integer NOT NULL CHECK (min_sample_size >= 1),
        scope jsonb NOT NULL DEFAULT '{}',
        severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        webhook_url text,
        webhook_secret text,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX alert_rules_tenant_idx ON eval_loop.alert_rules (tenant_id, created_at, id)`);
    await q.query(`
      CREATE TABLE eval_loop.alert_states (
        rule_id uuid NOT NULL REFERENCES eval_loop.alert_rules (id),
        alert_key text NOT NULL,
        tenant_id uuid NOT NULL,
        state text NOT NULL CHECK (state IN ('ok', 'firing')),
        value double precision NOT NULL,
        since timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (rule_id, alert_key)
      )`);
    await q.query(`
      CREATE TABLE eval_loop.deliveries (
        id bigserial PRIMARY KEY,
        event_id text NOT NULL,
        target text NOT NULL CHECK (target IN ('nats', 'webhook')),
        rule_id uuid,
        payload bytea NOT NULL,
        body text,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (event_id, target)
      )`);
    await q.query(
      `CREATE INDEX deliveries_pending_idx ON eval_loop.deliveries (next_attempt_at) WHERE delivered_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE eval_loop.execution_counters (
        tenant_id uuid PRIMARY KEY,
        pending integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['execution_counters', 'deliveries', 'alert_states', 'alert_rules', 'signals', 'runs'])
      await q.query(`DROP TABLE eval_loop.${t}`);
    await dropTenantProjectionTable(q, 'eval_loop');
  }
}
