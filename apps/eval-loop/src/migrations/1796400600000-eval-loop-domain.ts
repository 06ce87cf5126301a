import { createTenantProjectionTable, dropTenantProjectionTable } from '@auraison/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// Evaluation runs (queued, running, finished) with their signals, alert rules and the state of each
// alert, the outgoing deliveries (NATS messages and webhooks, an outbox relayed after COMMIT), the
// per-tenant execution counters of the every-N trigger, the schedule fires already handled and the
// tenant projection.
export class EvalLoopDomain1796400600000 implements MigrationInterface {
  name = 'EvalLoopDomain1796400600000';

  async up(q: QueryRunner): Promise<void> {
    await createTenantProjectionTable(q, 'eval_loop');
    await q.query(`
      CREATE TABLE eval_loop.runs (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'execution_count', 'manual')),
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'degraded', 'failed')),
        window_hours integer NOT NULL CHECK (window_hours BETWEEN 1 AND 2160),
        -- Scheduled runs evaluate the window ending at their fire time; other runs the window ending
        -- when they start (window_end stays NULL until then).
        window_start timestamptz,
        window_end timestamptz,
        scheduled_for timestamptz,
        requested_by uuid,
        attempt integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        degraded_reason text,
        error text,
        inputs jsonb NOT NULL DEFAULT '{}',
        timings jsonb NOT NULL DEFAULT '{}',
        experiments jsonb NOT NULL DEFAULT '[]',
        summary_event_id text,
        CHECK (window_start IS NULL OR window_start < window_end),
        CHECK (status IN ('queued', 'running') OR finished_at IS NOT NULL)
      )`);
    // At most one waiting run per tenant: triggers that arrive while one waits join it.
    await q.query(
      `CREATE UNIQUE INDEX runs_one_queued_idx ON eval_loop.runs (tenant_id) WHERE status = 'queued'`,
    );
    await q.query(
      `CREATE INDEX runs_due_idx ON eval_loop.runs (next_attempt_at, id) WHERE status = 'queued'`,
    );
    await q.query(`CREATE INDEX runs_tenant_idx ON eval_loop.runs (tenant_id, created_at, id)`);
    await q.query(
      `CREATE INDEX runs_tenant_finished_idx ON eval_loop.runs (tenant_id, finished_at DESC)
         WHERE status IN ('succeeded', 'degraded')`,
    );
    await q.query(`
      CREATE TABLE eval_loop.signals (
        run_id uuid NOT NULL REFERENCES eval_loop.runs (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        agent_role text NOT NULL,
        environment text NOT NULL,
        model text NOT NULL,
        variant text NOT NULL,
        job_label text NOT NULL,
        runs integer NOT NULL CHECK (runs > 0),
        successes integer NOT NULL CHECK (successes BETWEEN 0 AND runs),
        success_rate double precision NOT NULL,
        ci_low double precision NOT NULL,
        ci_high double precision NOT NULL,
        latency_p50_ms double precision,
        latency_p90_ms double precision,
        latency_p99_ms double precision,
        tokens_per_success double precision NOT NULL,
        cost_micros_per_success bigint,
        wandb_metrics jsonb NOT NULL DEFAULT '{}',
        wandb_metric_deltas jsonb NOT NULL DEFAULT '{}',
        small_sample boolean NOT NULL,
        text text NOT NULL,
        PRIMARY KEY (run_id, agent_role, environment, model, variant, job_label)
      )`);
    await q.query(`CREATE INDEX signals_tenant_idx ON eval_loop.signals (tenant_id, run_id)`);
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
        window_hours integer CHECK (window_hours BETWEEN 1 AND 2160),
        scope jsonb NOT NULL DEFAULT '{}',
        severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        webhook_url text,
        webhook_secret text,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        CHECK (webhook_url IS NOT NULL OR webhook_secret IS NULL)
      )`);
    await q.query(`CREATE INDEX alert_rules_tenant_idx ON eval_loop.alert_rules (tenant_id, created_at, id)`);
    await q.query(`
      CREATE TABLE eval_loop.alert_states (
        rule_id uuid NOT NULL REFERENCES eval_loop.alert_rules (id),
        alert_key text NOT NULL,
        alert_id uuid NOT NULL UNIQUE,
        tenant_id uuid NOT NULL,
        state text NOT NULL CHECK (state IN ('ok', 'firing')),
        value double precision NOT NULL,
        labels jsonb NOT NULL,
        text text NOT NULL,
        transitions integer NOT NULL DEFAULT 0,
        since timestamptz NOT NULL,
        last_run_id uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (rule_id, alert_key)
      )`);
    await q.query(
      `CREATE INDEX alert_states_firing_idx ON eval_loop.alert_states (tenant_id, since, alert_id) WHERE state = 'firing'`,
    );
    await q.query(`
      CREATE TABLE eval_loop.deliveries (
        id bigserial PRIMARY KEY,
        event_id text NOT NULL,
        target text NOT NULL CHECK (target IN ('nats', 'webhook')),
        subject text,
        message_type text,
        payload bytea,
        rule_id uuid REFERENCES eval_loop.alert_rules (id),
        body text,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        abandoned_at timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (event_id, target),
        CHECK (target <> 'nats' OR (subject IS NOT NULL AND message_type IS NOT NULL AND payload IS NOT NULL)),
        CHECK (target <> 'webhook' OR (rule_id IS NOT NULL AND body IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX deliveries_pending_idx ON eval_loop.deliveries (target, next_attempt_at, id)
         WHERE delivered_at IS NULL AND abandoned_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX deliveries_rule_pending_idx ON eval_loop.deliveries (rule_id, id)
         WHERE target = 'webhook' AND delivered_at IS NULL AND abandoned_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE eval_loop.execution_counters (
        tenant_id uuid PRIMARY KEY,
        pending integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per cron fire time: the replica that inserts it enqueues that fire's runs.
    await q.query(`
      CREATE TABLE eval_loop.schedule_fires (
        fire_time timestamptz PRIMARY KEY,
        tenants integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'schedule_fires',
      'execution_counters',
      'deliveries',
      'alert_states',
      'alert_rules',
      'signals',
      'runs',
    ])
      await q.query(`DROP TABLE eval_loop.${t}`);
    await dropTenantProjectionTable(q, 'eval_loop');
  }
}
