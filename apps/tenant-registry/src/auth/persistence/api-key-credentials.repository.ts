import { Injectable } from '@nestjs/common';
import { isRole, type Role } from '@auraison/auth';
import { DataSource } from 'typeorm';

/** What the token exchange needs to know about a presented API key. */
export interface ApiKeyCredentials {
  id: string;
  tenantId: string;
  secretHash: Buffer;
  expiresAt: Date | null;
  revokedAt: Date | null;
  tenantActive: boolean;
  /** The key belongs to the platform tenant: its tokens act across tenants. */
  tenantIsPlatform: boolean;
  subject: string;
  subjectType: 'user' | 'service_account';
  /** Empty when the owner no longer belongs to the tenant or is disabled. */
  roles: Role[];
}

interface Row {
  id: string;
  tenant_id: string;
  secret_hash: Buffer;
  expires_at: Date | null;
  revoked_at: Date | null;
  tenant_status: string;
  is_platform: boolean;
  owner_user_id: string | null;
  owner_service_account_id: string | null;
  user_role: string | null;
  sa_role: string | null;
  sa_disabled_at: Date | null;
}

const TOUCH_INTERVAL_MS = 60_000;

@Injectable()
export class ApiKeyCredentialsRepository {
  /** When this replica last recorded each key's use, so a busy client costs no write per exchange. */
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: DataSource) {}

  async findByPrefix(prefix: string): Promise<ApiKeyCredentials | undefined> {
    const rows = await this.db.query<Row[]>(
      `SELECT k.id, k.tenant_id, k.secret_hash, k.expires_at, k.revoked_at, t.status AS tenant_status, t.is_platform,
              k.owner_user_id, k.owner_service_account_id, m.role AS user_role,
              sa.role AS sa_role, sa.disabled_at AS sa_disabled_at
         FROM tenant_registry.api_keys k
         JOIN tenant_registry.tenants t ON t.id = k.tenant_id
         LEFT JOIN tenant_registry.memberships m ON m.user_id = k.owner_user_id AND m.tenant_id = k.tenant_id
         LEFT JOIN tenant_registry.service_accounts sa
                ON sa.id = k.owner_service_account_id AND sa.tenant_id = k.tenant_id
        WHERE k.prefix = $1`,
      [prefix],
    );
    const r = rows[0];
    if (!r) return undefined;
    const isUser = r.owner_user_id !== null;
    const role = isUser ? r.user_role : r.sa_disabled_at ? null : r.sa_role;
    return {
      id: r.id,
      tenantId: r.tenant_id,
      secretHash: r.secret_hash,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
      tenantActive: r.tenant_status === 'active',
      tenantIsPlatform: r.is_platform,
      subject: (isUser ? r.owner_user_id : r.owner_service_account_id) ?? '',
      subjectType: isUser ? 'user' : 'service_account',
      roles: isRole(role) ? [role] : [],
    };
  }

  /** Records use, at most about once a minute per key. */
  async touch(id: string, now = Date.now()): Promise<void> {
    if (now - (this.touched.get(id) ?? 0) < TOUCH_INTERVAL_MS) return;
    if (this.touched.size > 100_000) this.touched.clear();
    this.touched.set(id, now);
    await this.db.query(
      `UPDATE tenant_registry.api_keys SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }
}
