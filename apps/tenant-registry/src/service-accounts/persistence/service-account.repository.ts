import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import {
  toPage,
  type CursorPosition,
  type Page,
  type PageRequest,
  createdAtText,
  keysetTail,
  uniqueViolation,
  TransactionRunner,
  type Queryable,
} from '@auraison/api-kit';
import type { ServiceAccount, ServiceAccountRole } from '../domain/service-account.js';

interface Row {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  role: ServiceAccountRole;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
  created_at_text: string;
}

const TABLE = 'tenant_registry.service_accounts';
const COLUMNS = `id, tenant_id, name, description, role, disabled_at, created_at, updated_at,
  ${createdAtText('created_at')} AS created_at_text`;

const toServiceAccount = (r: Row): ServiceAccount => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  description: r.description,
  role: r.role,
  disabledAt: r.disabled_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const position = (r: Row): CursorPosition => ({ createdAt: r.created_at_text, id: r.id });

export class DuplicateServiceAccountName extends Error {
  constructor() {
    super('a service account with this name exists in the tenant');
    this.name = 'DuplicateServiceAccountName';
  }
}

@Injectable()
export class ServiceAccountRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  async insert(
    scope: TenantScope,
    tx: Queryable,
    sa: { id: string; name: string; description: string; role: ServiceAccountRole },
  ): Promise<ServiceAccount> {
    try {
      const rows = await tx.query<Row[]>(
        `INSERT INTO ${TABLE} (id, tenant_id, name, description, role) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [sa.id, scope.tenantId, sa.name, sa.description, sa.role],
      );
      return toServiceAccount(rows[0]!);
    } catch (err) {
      if (uniqueViolation(err) !== undefined) throw new DuplicateServiceAccountName();
      throw err;
    }
  }

  async get(scope: TenantScope, id: string, db: Queryable = this.db): Promise<ServiceAccount | undefined> {
    const rows = await db.query<Row[]>(`SELECT ${COLUMNS} FROM ${TABLE} WHERE tenant_id = $1 AND id = $2`, [
      scope.tenantId,
      id,
    ]);
    return rows[0] ? toServiceAccount(rows[0]) : undefined;
  }

  async list(scope: TenantScope, page: PageRequest): Promise<Page<ServiceAccount>> {
    const tail = keysetTail(page, 'created_at', 'id', 2);
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM ${TABLE} WHERE tenant_id = $1 ${tail.sql}`,
      [scope.tenantId, ...tail.params],
    );
    return toPage(rows, page, position, toServiceAccount);
  }

  /** Enabled accounts of the tenant, by name (Kubernetes RoleBinding subjects). */
  async listEnabled(scope: TenantScope): Promise<ServiceAccount[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM ${TABLE} WHERE tenant_id = $1 AND disabled_at IS NULL ORDER BY name`,
      [scope.tenantId],
    );
    return rows.map(toServiceAccount);
  }

  /** Disables the account (idempotent) and revokes its API keys. */
  async disable(scope: TenantScope, tx: Queryable, id: string): Promise<ServiceAccount | undefined> {
    await tx.query(
      `UPDATE ${TABLE} SET disabled_at = now(), updated_at = now()
       WHERE tenant_id = $1 AND id = $2 AND disabled_at IS NULL`,
      [scope.tenantId, id],
    );
    await tx.query(
      `UPDATE tenant_registry.api_keys SET revoked_at = now()
       WHERE tenant_id = $1 AND owner_service_account_id = $2 AND revoked_at IS NULL`,
      [scope.tenantId, id],
    );
    return this.get(scope, id, tx);
  }
}
