import type { QueryRunner } from 'typeorm';

const SCHEMA = /^[a-z][a-z0-9_]{0,62}$/;

function checked(schema: string): string {
  if (!SCHEMA.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  return schema;
}

/** Call from a service migration: the `<schema>.tenants` projection table. */
export async function createTenantProjectionTable(q: QueryRunner, schema: string): Promise<void> {
  await q.query(`
    CREATE TABLE "${checked(schema)}"."tenants" (
      tenant_id uuid PRIMARY KEY,
      slug text NOT NULL,
      name text NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'suspended')),
      k8s_namespace text NOT NULL,
      allowed_environments text[] NOT NULL,
      quota jsonb NOT NULL,
      revision bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function dropTenantProjectionTable(q: QueryRunner, schema: string): Promise<void> {
  await q.query(`DROP TABLE "${checked(schema)}"."tenants"`);
}
