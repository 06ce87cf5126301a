import { createTenantProjectionTable, dropTenantProjectionTable } from '@auraison/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SYSTEM = '00000000-0000-0000-0000-000000000000';

// Role defaults installed with the service; platform admins change them (each change is a version).
const DEFAULT_ROLES: Array<{
  role: string;
  doc: { allow: string[]; deny: string[]; max_duration_s: number; max_turns: number };
}> = [
  {
    role: 'notebook',
    doc: {
      allow: ['Bash(kubectl *)', 'Bash(ray *)', 'Read'],
      deny: ['Bash(kubectl delete *)'],
      max_duration_s: 3600,
      max_turns: 50,
    },
  },
  {
    role: 'cluster',
    doc: {
      allow: [
        'Bash(kubectl get *)',
        'Bash(kubectl describe *)',
        'Bash(kubectl logs *)',
        'Bash(ray *)',
        'Read',
        'mcp__ros__publish_cmd_vel',
        'mcp__ros__navigate_to_pose',
        'mcp__nav2',
      ],
      deny: ['Bash(kubectl delete *)'],
      max_duration_s: 1800,
      max_turns: 40,
    },
  },
  {
    role: 'wandb',
    doc: {
      allow: ['Bash(wandb *)', 'WebFetch(domain:api.wandb.ai)', 'Read', 'mcp__wandb'],
      deny: [],
      max_duration_s: 900,
      max_turns: 30,
    },
  },
  {
    role: 'lakehouse',
    doc: {
      allow: ['Bash(duckdb *)', 'Bash(spark-submit *)', 'Read', 'Edit(./output/**)'],
      deny: ['Read(*.env)'],
      max_duration_s: 3600,
      max_turns: 50,
    },
  },
];

const APPEND_ONLY = ['role_policies', 'audit_log', 'decisions'];

/**
 * The policy engine's domain: tenant projection, versioned role policies (defaults and tenant
 * overrides), lockdowns, actuation gates, experiments, the audit log, quota reservations and usage,
 * rate counters and admission decisions.
 */
export class PolicyEngineDomain1796400600000 implements MigrationInterface {
  name = 'PolicyEngineDomain1796400600000';

  async up(q: QueryRunner): Promise<void> {
    await createTenantProjectionTable(q, 'policy');

    // One sequence numbers every change (policy versions, lockdowns, gates, experiments), so a scope
    // or agent config version is simply the highest number it was resolved from.
    await q.query(`CREATE SEQUENCE policy.change_seq`);
    // Bumped in every transaction that changes policy; replicas poll it as the fallback of the NATS
    // broadcast, so a change they missed is seen within MP_POLICY_POLL_MS.
    await q.query(`
      CREATE TABLE policy.state (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        generation bigint NOT NULL
      )`);
    await q.query(`INSERT INTO policy.state (id, generation) VALUES (true, 0)`);

    await q.query(`
      CREATE TABLE policy.role_policies (
        version bigint PRIMARY KEY DEFAULT nextval('policy.change_seq'),
        tenant_id uuid,
        agent_role text NOT NULL CHECK (agent_role ~ '^[a-z][a-z0-9_.-]{0,63}$'),
        document jsonb,
        author_id uuid NOT NULL,
        author_tenant_id uuid,
        reason text NOT NULL,
        diff jsonb NOT NULL,
        rollback_of bigint REFERENCES policy.role_policies (version),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (tenant_id IS NOT NULL OR document IS NOT NULL)
      )`);
    await q.query(
      `COMMENT ON COLUMN policy.role_policies.tenant_id IS 'NULL: the role default; else the tenant override'`,
    );
    await q.query(
      `COMMENT ON COLUMN policy.role_policies.document IS 'NULL: the tenant override was removed'`,
    );
    await q.query(
      `CREATE INDEX role_policies_current ON policy.role_policies (tenant_id, agent_role, version DESC)`,
    );

    await q.query(`
      CREATE TABLE policy.lockdowns (
        scope_key text PRIMARY KEY,
        tenant_id uuid,
        version bigint NOT NULL,
        engaged_by uuid NOT NULL,
        reason text NOT NULL,
        engaged_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `COMMENT ON TABLE policy.lockdowns IS 'lockdowns in force: scope_key global or the tenant id'`,
    );

    await q.query(`
      CREATE TABLE policy.gates (
        tenant_id uuid NOT NULL,
        environment text NOT NULL,
        version bigint NOT NULL,
        opened_by uuid NOT NULL,
        reason text NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, environment)
      )`);

    await q.query(`
      CREATE TABLE policy.experiments (
        id uuid PRIMARY KEY,
        version bigint NOT NULL,
        tenant_id uuid,
        agent_role text NOT NULL,
        name text NOT NULL,
        variants jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'stopped')),
        created_by uuid NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        stopped_by uuid,
        stop_reason text,
        stopped_at timestamptz
      )`);
    await q.query(`
      CREATE UNIQUE INDEX experiments_one_active ON policy.experiments
        (coalesce(tenant_id, '${SYSTEM}'::uuid), agent_role) WHERE status = 'active'`);

    await q.query(`
      CREATE TABLE policy.audit_log (
        id bigint PRIMARY KEY DEFAULT nextval('policy.change_seq'),
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid NOT NULL,
        actor_tenant_id uuid,
        tenant_id uuid,
        action text NOT NULL,
        target text NOT NULL,
        reason text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_log_tenant ON policy.audit_log (tenant_id, id DESC)`);

    // Quota: one row per tenant is the admission lock (replicas serialize on it); usage per period;
    // reservations are the source of truth for what is held (sums read under the lock, no counters).
    await q.query(`CREATE TABLE policy.quota_accounts (tenant_id uuid PRIMARY KEY)`);
    await q.query(`
      CREATE TABLE policy.reservations (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        job_id text NOT NULL,
        agent_role text NOT NULL,
        environment text NOT NULL,
        gpu_count int NOT NULL CHECK (gpu_count >= 0),
        max_duration_s int NOT NULL CHECK (max_duration_s > 0),
        gpu_ms_reserved bigint NOT NULL CHECK (gpu_ms_reserved >= 0),
        tokens_reserved bigint NOT NULL CHECK (tokens_reserved >= 0),
        gpu_ms_actual bigint NOT NULL DEFAULT 0,
        tokens_actual bigint NOT NULL DEFAULT 0,
        status text NOT NULL CHECK (status IN ('open', 'settled', 'released', 'expired')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        closed_at timestamptz,
        close_reason text,
        admitted_by uuid NOT NULL,
        user_id uuid,
        trace_id text,
        session_id text,
        UNIQUE (tenant_id, job_id)
      )`);
    await q.query(`CREATE INDEX reservations_open ON policy.reservations (tenant_id) WHERE status = 'open'`);
    await q.query(
      `CREATE INDEX reservations_expiry ON policy.reservations (expires_at) WHERE status = 'open'`,
    );
    await q.query(`
      CREATE TABLE policy.usage (
        tenant_id uuid NOT NULL,
        period_start timestamptz NOT NULL,
        gpu_ms_used bigint NOT NULL DEFAULT 0,
        tokens_used bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, period_start)
      )`);
    // Highest GPU time reported per job attempt, so repeated or progressive ExecutionEvents add only
    // the increase.
    await q.query(`
      CREATE TABLE policy.job_gpu_usage (
        tenant_id uuid NOT NULL,
        job_id text NOT NULL,
        attempt int NOT NULL,
        gpu_ms bigint NOT NULL,
        PRIMARY KEY (tenant_id, job_id, attempt)
      )`);
    await q.query(`
      CREATE TABLE policy.rate_counters (
        tenant_id uuid NOT NULL,
        agent_role text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('invocations', 'admissions', 'tokens')),
        window_start timestamptz NOT NULL,
        amount bigint NOT NULL,
        PRIMARY KEY (tenant_id, agent_role, kind, window_start)
      )`);
    await q.query(`
      CREATE TABLE policy.decisions (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        tenant_id uuid NOT NULL,
        job_id text NOT NULL,
        agent_role text,
        operation text NOT NULL CHECK (operation IN ('admit', 'release', 'settle', 'expire')),
        outcome text NOT NULL,
        reason text NOT NULL,
        reservation_id uuid,
        gpu_ms bigint,
        tokens bigint,
        actor_id uuid,
        trace_id text
      )`);
    await q.query(`CREATE INDEX decisions_tenant ON policy.decisions (tenant_id, id DESC)`);

    // History is append-only: versions, the audit log and decisions are never changed or deleted.
    await q.query(`
      CREATE FUNCTION policy.reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'policy.% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of APPEND_ONLY)
      await q.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON policy.${table}
         FOR EACH ROW EXECUTE FUNCTION policy.reject_change()`,
      );

    for (const { role, doc } of DEFAULT_ROLES) {
      const full = { model: 'claude-sonnet-4-5', rate_limits: {}, ...doc };
      await q.query(
        `INSERT INTO policy.role_policies (agent_role, document, author_id, reason, diff)
         VALUES ($1, $2::jsonb, $3, 'default installed with the policy engine', $4::jsonb)`,
        [
          role,
          JSON.stringify(full),
          SYSTEM,
          JSON.stringify({
            allow: { added: full.allow, removed: [] },
            deny: { added: full.deny, removed: [] },
            changed: {},
          }),
        ],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'decisions',
      'rate_counters',
      'job_gpu_usage',
      'usage',
      'reservations',
      'quota_accounts',
      'audit_log',
      'experiments',
      'gates',
      'lockdowns',
      'role_policies',
      'state',
    ])
      await q.query(`DROP TABLE policy.${table}`);
    await q.query(`DROP FUNCTION policy.reject_change()`);
    await q.query(`DROP SEQUENCE policy.change_seq`);
    await dropTenantProjectionTable(q, 'policy');
  }
}
