import { createTenantProjectionTable, dropTenantProjectionTable } from '@auraison/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { parseUsd } from '../common/domain/money.js';
import {
  SEED_AUTHOR,
  SEED_EFFECTIVE_FROM,
  SEED_GPU_RATES,
  SEED_MODEL_RATES,
  SEED_REASON,
} from '../price-book/seed/price-book.seed.js';

// The price book, the usage ledger, its aggregates, budgets and their alerts, re-pricing runs and
// their adjustment lines, and the tenant projection. History is append-only and the database enforces
// it: triggers refuse UPDATE, DELETE and TRUNCATE of price versions, re-pricing runs and adjustments,
// and a usage line may only go from unpriced to priced, once.
export class BillingLedger1796500000000 implements MigrationInterface {
  name = 'BillingLedger1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await createTenantProjectionTable(q, 'billing');

    await q.query(`
      CREATE FUNCTION billing.refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'billing.% is append-only: % refused', TG_TABLE_NAME, TG_OP;
      END $$`);

    // Money columns are micro-USD (bigint); rates per million tokens and per GPU-hour.
    await q.query(`
      CREATE TABLE billing.price_book (
        version bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('model', 'gpu')),
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
        effective_from timestamptz NOT NULL,
        input_micros bigint,
        output_micros bigint,
        cache_read_micros bigint,
        cache_write_micros bigint,
        gpu_hour_micros bigint,
        withdrawn boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        reason text NOT NULL,
        CONSTRAINT price_book_rates CHECK (
          (withdrawn AND num_nonnulls(input_micros, output_micros, cache_read_micros, cache_write_micros,
            gpu_hour_micros) = 0)
          OR (NOT withdrawn AND kind = 'model' AND gpu_hour_micros IS NULL
            AND input_micros >= 0 AND output_micros >= 0 AND cache_read_micros >= 0 AND cache_write_micros >= 0)
          OR (NOT withdrawn AND kind = 'gpu' AND gpu_hour_micros >= 0
            AND num_nonnulls(input_micros, output_micros, cache_read_micros, cache_write_micros) = 0)
        )
      )`);
    await q.query(`CREATE INDEX price_book_schedule ON billing.price_book (kind, key, effective_from)`);

    // One line per billable event (an AgentEvent, or a terminal ExecutionEvent), keyed by its event id:
    // a redelivery or a duplicate published any time later conflicts and is not counted again.
    // cost IS NULL marks unpriced usage (no rate for the model or environment at the event's time).
    await q.query(`
      CREATE TABLE billing.usage_lines (
        source text NOT NULL CHECK (source IN ('agent', 'execution')),
        event_id text NOT NULL,
        tenant_id uuid NOT NULL,
        period_start date NOT NULL,
        occurred_at timestamptz NOT NULL,
        user_id uuid,
        job_id text NOT NULL,
        agent_role text NOT NULL,
        model text NOT NULL,
        environment text NOT NULL,
        input_tokens bigint NOT NULL CHECK (input_tokens >= 0),
        output_tokens bigint NOT NULL CHECK (output_tokens >= 0),
        cache_read_tokens bigint NOT NULL CHECK (cache_read_tokens >= 0),
        cache_write_tokens bigint NOT NULL CHECK (cache_write_tokens >= 0),
        gpu_ms bigint NOT NULL CHECK (gpu_ms >= 0),
        rate_version bigint,
        input_cost bigint NOT NULL DEFAULT 0,
        output_cost bigint NOT NULL DEFAULT 0,
        cache_read_cost bigint NOT NULL DEFAULT 0,
        cache_write_cost bigint NOT NULL DEFAULT 0,
        gpu_cost bigint NOT NULL DEFAULT 0,
        cost bigint,
        priced_at timestamptz,
        ingested_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, event_id),
        CHECK ((cost IS NULL) = (priced_at IS NULL)),
        CHECK (cost IS NULL OR cost = input_cost + output_cost + cache_read_cost + cache_write_cost + gpu_cost)
      )`);
    await q.query(`CREATE INDEX usage_lines_job ON billing.usage_lines (tenant_id, job_id)`);
    // BRIN: nearly free to maintain on the ingest path; periods are scanned by time range.
    await q.query(`CREATE INDEX usage_lines_occurred ON billing.usage_lines USING brin (occurred_at)`);
    await q.query(
      `CREATE INDEX usage_lines_unpriced ON billing.usage_lines (source, event_id) WHERE cost IS NULL`,
    );
    await q.query(`
      CREATE FUNCTION billing.usage_line_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.cost IS NOT NULL THEN
          RAISE EXCEPTION 'usage line %/% is priced and never changes (re-pricing writes adjustments)',
            OLD.source, OLD.event_id;
        END IF;
        IF (NEW.source, NEW.event_id, NEW.tenant_id, NEW.period_start, NEW.occurred_at, NEW.user_id,
            NEW.job_id, NEW.agent_role, NEW.model, NEW.environment, NEW.input_tokens, NEW.output_tokens,
            NEW.cache_read_tokens, NEW.cache_write_tokens, NEW.gpu_ms, NEW.ingested_at)
          IS DISTINCT FROM
           (OLD.source, OLD.event_id, OLD.tenant_id, OLD.period_start, OLD.occurred_at, OLD.user_id,
            OLD.job_id, OLD.agent_role, OLD.model, OLD.environment, OLD.input_tokens, OLD.output_tokens,
            OLD.cache_read_tokens, OLD.cache_write_tokens, OLD.gpu_ms, OLD.ingested_at) THEN
          RAISE EXCEPTION 'usage line %/%: only its price may be set', OLD.source, OLD.event_id;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER usage_lines_price_once BEFORE UPDATE ON billing.usage_lines
        FOR EACH ROW EXECUTE FUNCTION billing.usage_line_update()`);

    // Counters per tenant, period and breakdown (dimension 'tenant' with key '' is the period total),
    // updated in the transaction that writes the lines they count: += under the row lock, so
    // concurrent replicas serialize on a row and never lose an increment.
    await q.query(`
      CREATE TABLE billing.usage_totals (
        tenant_id uuid NOT NULL,
        period_start date NOT NULL,
        dimension text NOT NULL
          CHECK (dimension IN ('tenant', 'job', 'user', 'agent_role', 'model', 'environment')),
        key text NOT NULL,
        events bigint NOT NULL DEFAULT 0,
        unpriced_events bigint NOT NULL DEFAULT 0,
        input_tokens bigint NOT NULL DEFAULT 0,
        output_tokens bigint NOT NULL DEFAULT 0,
        cache_read_tokens bigint NOT NULL DEFAULT 0,
        cache_write_tokens bigint NOT NULL DEFAULT 0,
        gpu_ms bigint NOT NULL DEFAULT 0,
        input_cost bigint NOT NULL DEFAULT 0,
        output_cost bigint NOT NULL DEFAULT 0,
        cache_read_cost bigint NOT NULL DEFAULT 0,
        cache_write_cost bigint NOT NULL DEFAULT 0,
        gpu_cost bigint NOT NULL DEFAULT 0,
        adjustment_micros bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, period_start, dimension, key)
      )`);

    await q.query(`
      CREATE TABLE billing.budgets (
        tenant_id uuid PRIMARY KEY,
        amount_micros bigint NOT NULL CHECK (amount_micros > 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL,
        reason text NOT NULL
      )`);
    // One row per threshold crossed per tenant and period (so at most one alert each); published_at is
    // set once the Alert is on mp.alerts (this table is the alerts' outbox).
    await q.query(`
      CREATE TABLE billing.budget_alerts (
        tenant_id uuid NOT NULL,
        period_start date NOT NULL,
        threshold integer NOT NULL CHECK (threshold IN (50, 80, 100)),
        spend_micros bigint NOT NULL,
        budget_micros bigint NOT NULL,
        crossed_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        PRIMARY KEY (tenant_id, period_start, threshold)
      )`);
    await q.query(
      `CREATE INDEX budget_alerts_unpublished ON billing.budget_alerts (crossed_at) WHERE published_at IS NULL`,
    );

    await q.query(`CREATE SEQUENCE billing.reprice_run_ids`);
    await q.query(`
      CREATE TABLE billing.reprice_runs (
        id bigint PRIMARY KEY,
        tenant_id uuid NOT NULL,
        period_start date NOT NULL,
        price_book_version bigint NOT NULL,
        requested_by text NOT NULL,
        reason text NOT NULL,
        lines_examined bigint NOT NULL,
        lines_adjusted bigint NOT NULL,
        delta_micros bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX reprice_runs_tenant ON billing.reprice_runs (tenant_id, period_start)`);
    // The run row is written last (with its totals), so the reference is checked at COMMIT.
    await q.query(`
      CREATE TABLE billing.usage_adjustments (
        reprice_id bigint NOT NULL REFERENCES billing.reprice_runs (id) DEFERRABLE INITIALLY DEFERRED,
        source text NOT NULL,
        event_id text NOT NULL,
        tenant_id uuid NOT NULL,
        period_start date NOT NULL,
        occurred_at timestamptz NOT NULL,
        user_id uuid,
        job_id text NOT NULL,
        agent_role text NOT NULL,
        model text NOT NULL,
        environment text NOT NULL,
        rate_version bigint NOT NULL,
        input_delta bigint NOT NULL,
        output_delta bigint NOT NULL,
        cache_read_delta bigint NOT NULL,
        cache_write_delta bigint NOT NULL,
        gpu_delta bigint NOT NULL,
        delta bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (reprice_id, source, event_id),
        CHECK (delta = input_delta + output_delta + cache_read_delta + cache_write_delta + gpu_delta)
      )`);
    await q.query(`CREATE INDEX usage_adjustments_line ON billing.usage_adjustments (source, event_id)`);
    await q.query(
      `CREATE INDEX usage_adjustments_period ON billing.usage_adjustments (tenant_id, period_start)`,
    );

    for (const table of ['price_book', 'reprice_runs', 'usage_adjustments']) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON billing.${table}
          FOR EACH ROW EXECUTE FUNCTION billing.refuse_history_change()`);
    }
    for (const table of ['price_book', 'reprice_runs', 'usage_adjustments', 'usage_lines']) {
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON billing.${table}
          FOR EACH STATEMENT EXECUTE FUNCTION billing.refuse_history_change()`);
    }
    await q.query(`
      CREATE TRIGGER usage_lines_no_delete BEFORE DELETE ON billing.usage_lines
        FOR EACH ROW EXECUTE FUNCTION billing.refuse_history_change()`);

    await this.seedPriceBook(q);
  }

  private async seedPriceBook(q: QueryRunner): Promise<void> {
    for (const r of SEED_MODEL_RATES) {
      await q.query(
        `INSERT INTO billing.price_book (kind, key, effective_from, input_micros, output_micros,
           cache_read_micros, cache_write_micros, created_by, reason)
         VALUES ('model', $1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          r.model,
          SEED_EFFECTIVE_FROM,
          parseUsd(r.input).toString(),
          parseUsd(r.output).toString(),
          parseUsd(r.cacheRead).toString(),
          parseUsd(r.cacheWrite).toString(),
          SEED_AUTHOR,
          SEED_REASON,
        ],
      );
    }
    for (const r of SEED_GPU_RATES) {
      await q.query(
        `INSERT INTO billing.price_book (kind, key, effective_from, gpu_hour_micros, created_by, reason)
         VALUES ('gpu', $1, $2, $3, $4, $5)`,
        [r.environment, SEED_EFFECTIVE_FROM, parseUsd(r.perGpuHour).toString(), SEED_AUTHOR, SEED_REASON],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'usage_adjustments',
      'reprice_runs',
      'budget_alerts',
      'budgets',
      'usage_totals',
      'usage_lines',
      'price_book',
    ])
      await q.query(`DROP TABLE billing.${table}`);
    await q.query(`DROP SEQUENCE billing.reprice_run_ids`);
    await q.query(`DROP FUNCTION billing.usage_line_update()`);
    await q.query(`DROP FUNCTION billing.refuse_history_change()`);
    await dropTenantProjectionTable(q, 'billing');
  }
}
