// API keys of a tenant. The secret hash is written here and never read back: nothing this repository
// returns can leak a key.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import {
  toPage,
  type CursorPosition,
  type Page,
  type PageRequest,
  createdAtText,
  keysetTail,
  TransactionRunner,
  type Queryable,
} from '@auraison/api-kit';
import type { ApiKeyOwner, ApiKeyRecord } from '../domain/api-key-record.js';

interface Row {
  id: string;
  tenant_id: string;
  prefix: string;
  name: string;
  owner_user_id: string | null;
  owner_service_account_id: string | null;
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  created_at_text: string;
}

const TABLE = 'tenant_registry.api_keys';
// Deliberately without secret_hash.
const COLUMNS = `id, tenant_id, prefix, name, owner_user_id, owner_service_account_id, created_by, created_at,
  expires_at, revoked_at, last_used_at, ${createdAtText('created_at')} AS created_at_text`;

const toRecord = (r: Row): ApiKeyRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  prefix: r.prefix,
  name: r.name,
  owner: r.owner_user_id
    ? { kind: 'user', userId: r.owner_user_id }
    : { kind: 'service_account', serviceAccountId: r.owner_service_account_id! },
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

const position = (r: Row): CursorPosition => ({ createdAt: r.created_at_text, id: r.id });

const ownerColumns = (owner: ApiKeyOwner): [string | null, string | null] =>
  owner.kind === 'user' ? [owner.userId, null] : [null, owner.serviceAccountId];

export interface NewApiKey {
  id: string;
  prefix: string;
  secretHash: Buffer;
  name: string;
  owner: ApiKeyOwner;
  createdBy: string;
  expiresAt?: Date;
}

@Injectable()
export class ApiKeyRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  async insert(scope: TenantScope, key: NewApiKey): Promise<ApiKeyRecord> {
    const [userId, serviceAccountId] = ownerColumns(key.owner);
    const rows = await this.db.query<Row[]>(
      `INSERT INTO ${TABLE} (id, tenant_id, prefix, secret_hash, name, owner_user_id, owner_service_account_id,
         created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        key.id,
        scope.tenantId,
        key.prefix,
        key.secretHash,
        key.name,
        userId,
        serviceAccountId,
        key.createdBy,
        key.expiresAt ?? null,
      ],
    );
    return toRecord(rows[0]!);
  }

  async get(scope: TenantScope, id: string): Promise<ApiKeyRecord | undefined> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM ${TABLE} WHERE tenant_id = $1 AND id = $2`,
      [scope.tenantId, id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async list(scope: TenantScope, page: PageRequest, owner?: ApiKeyOwner): Promise<Page<ApiKeyRecord>> {
    const [userId, serviceAccountId] = owner ? ownerColumns(owner) : [null, null];
    const tail = keysetTail(page, 'created_at', 'id', 4);
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM ${TABLE}
       WHERE tenant_id = $1
         AND ($2::uuid IS NULL OR owner_user_id = $2)
         AND ($3::uuid IS NULL OR owner_service_account_id = $3) ${tail.sql}`,
      [scope.tenantId, userId, serviceAccountId, ...tail.params],
    );
    return toPage(rows, page, position, toRecord);
  }

  /** Revokes the key (idempotent: an earlier revocation time is kept). */
  async revoke(scope: TenantScope, id: string): Promise<void> {
    await this.db.query(
      `UPDATE ${TABLE} SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL`,
      [scope.tenantId, id],
    );
  }
}
