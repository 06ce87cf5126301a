import type { MigrationInterface, QueryRunner } from 'typeorm';

// Tenants, users and their memberships, service accounts, API keys (hashed), the token signing keys
// and the failed-exchange counters that rate-limit token requests.
export class TenantRegistryDomain1796400100000 implements MigrationInterface {
  name = 'TenantRegistryDomain1796400100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_registry.tenants (
        id uuid PRIMARY KEY,
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9-]{1,62}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        k8s_namespace text NOT NULL UNIQUE CHECK (k8s_namespace ~ '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'),
        allowed_environments text[] NOT NULL DEFAULT '{}'
          CHECK (allowed_environments <@ ARRAY['torch.dev.gpu', 'ros.dev.gpu']::text[]),
        gpu_hours_per_period numeric(14, 3) NOT NULL DEFAULT 0 CHECK (gpu_hours_per_period >= 0),
        token_budget_per_period bigint NOT NULL DEFAULT 0 CHECK (token_budget_per_period >= 0),
        max_jobs_in_flight integer NOT NULL DEFAULT 0 CHECK (max_jobs_in_flight >= 0),
        default_max_job_duration_s integer NOT NULL DEFAULT 3600 CHECK (default_max_job_duration_s > 0),
        period_anchor_day smallint NOT NULL DEFAULT 1 CHECK (period_anchor_day BETWEEN 1 AND 28),
        max_gpus integer NOT NULL DEFAULT 0 CHECK (max_gpus >= 0),
        cpu_cores numeric(10, 3) NOT NULL DEFAULT 0 CHECK (cpu_cores >= 0),
        memory_gib numeric(12, 3) NOT NULL DEFAULT 0 CHECK (memory_gib >= 0),
        is_platform boolean NOT NULL DEFAULT false,
        revision bigint NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // At most one platform tenant (the one the bootstrap admin belongs to).
    await q.query(
      `CREATE UNIQUE INDEX tenants_one_platform ON tenant_registry.tenants (is_platform) WHERE is_platform`,
    );
    await q.query(`CREATE INDEX tenants_created_idx ON tenant_registry.tenants (created_at, id)`);

    await q.query(`
      CREATE TABLE tenant_registry.users (
        id uuid PRIMARY KEY,
        email text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) <= 320),
        display_name text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE tenant_registry.memberships (
        tenant_id uuid NOT NULL REFERENCES tenant_registry.tenants (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES tenant_registry.users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('platform_admin', 'tenant_admin', 'operator', 'member', 'viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, user_id)
      )`);
    await q.query(`CREATE INDEX memberships_user_idx ON tenant_registry.memberships (user_id)`);

    await q.query(`
      CREATE TABLE tenant_registry.service_accounts (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenant_registry.tenants (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (name ~ '^[a-z][a-z0-9-]{1,62}$'),
        description text NOT NULL DEFAULT '',
        role text NOT NULL DEFAULT 'service' CHECK (role IN ('service', 'viewer', 'operator')),
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, name)
      )`);

    await q.query(`
      CREATE TABLE tenant_registry.api_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenant_registry.tenants (id) ON DELETE CASCADE,
        prefix text NOT NULL UNIQUE,
        secret_hash bytea NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        owner_user_id uuid REFERENCES tenant_registry.users (id) ON DELETE CASCADE,
        owner_service_account_id uuid REFERENCES tenant_registry.service_accounts (id) ON DELETE CASCADE,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        CHECK ((owner_user_id IS NULL) <> (owner_service_account_id IS NULL))
      )`);
    await q.query(`CREATE INDEX api_keys_tenant_idx ON tenant_registry.api_keys (tenant_id, created_at, id)`);

    await q.query(`
      CREATE TABLE tenant_registry.signing_keys (
        kid text PRIMARY KEY,
        algorithm text NOT NULL DEFAULT 'EdDSA' CHECK (algorithm = 'EdDSA'),
        public_jwk jsonb NOT NULL,
        private_key_pkcs8 text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`);
    // At most one active (unretired) signing key.
    await q.query(
      `CREATE UNIQUE INDEX signing_keys_one_active ON tenant_registry.signing_keys ((true)) WHERE retired_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE tenant_registry.auth_failures (
        bucket text NOT NULL,
        window_start timestamptz NOT NULL,
        failures integer NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, window_start)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'auth_failures',
      'signing_keys',
      'api_keys',
      'service_accounts',
      'memberships',
      'users',
      'tenants',
    ])
      await q.query(`DROP TABLE tenant_registry.${table}`);
  }
}
