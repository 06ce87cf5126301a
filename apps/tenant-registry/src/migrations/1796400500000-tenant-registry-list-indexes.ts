import type { MigrationInterface, QueryRunner } from 'typeorm';

// Keyset pagination of the per-tenant lists orders by (created_at, id): index them that way.
export class TenantRegistryListIndexes1796400500000 implements MigrationInterface {
  name = 'TenantRegistryListIndexes1796400500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX memberships_tenant_created_idx ON tenant_registry.memberships (tenant_id, created_at, user_id)`,
    );
    await q.query(
      `CREATE INDEX service_accounts_tenant_created_idx ON tenant_registry.service_accounts (tenant_id, created_at, id)`,
    );
    // API keys listed per owner (GET /api-keys?user_id= or ?service_account_id=).
    await q.query(
      `CREATE INDEX api_keys_owner_user_idx ON tenant_registry.api_keys (owner_user_id) WHERE owner_user_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX api_keys_owner_sa_idx ON tenant_registry.api_keys (owner_service_account_id)
       WHERE owner_service_account_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of [
      'api_keys_owner_sa_idx',
      'api_keys_owner_user_idx',
      'service_accounts_tenant_created_idx',
      'memberships_tenant_created_idx',
    ])
      await q.query(`DROP INDEX tenant_registry.${index}`);
  }
}
