// Memberships of one tenant (joined with the user's email and name). Every method takes the TenantScope.
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
import { ADMIN_ROLES, type Member, type MemberRole } from '../domain/membership.js';

interface MemberRow {
  user_id: string;
  tenant_id: string;
  email: string;
  display_name: string;
  role: MemberRole;
  created_at: Date;
  updated_at: Date;
  created_at_text: string;
}

const SELECT = `SELECT m.user_id, m.tenant_id, u.email, u.display_name, m.role, m.created_at, m.updated_at,
  ${createdAtText('m.created_at')} AS created_at_text
  FROM tenant_registry.memberships m JOIN tenant_registry.users u ON u.id = m.user_id`;

const toMember = (r: MemberRow): Member => ({
  userId: r.user_id,
  tenantId: r.tenant_id,
  email: r.email,
  displayName: r.display_name,
  role: r.role,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const position = (r: MemberRow): CursorPosition => ({ createdAt: r.created_at_text, id: r.user_id });

export class AlreadyMember extends Error {
  constructor() {
    super('already a member');
    this.name = 'AlreadyMember';
  }
}

@Injectable()
export class MembershipRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  /** Adds the user to the tenant; throws AlreadyMember when it is one. */
  async add(scope: TenantScope, tx: Queryable, userId: string, role: MemberRole): Promise<Member> {
    try {
      await tx.query(
        `INSERT INTO tenant_registry.memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)`,
        [scope.tenantId, userId, role],
      );
    } catch (err) {
      if (uniqueViolation(err) !== undefined) throw new AlreadyMember();
      throw err;
    }
    return (await this.get(scope, userId, tx))!;
  }

  async get(scope: TenantScope, userId: string, db: Queryable = this.db): Promise<Member | undefined> {
    const rows = await db.query<MemberRow[]>(`${SELECT} WHERE m.tenant_id = $1 AND m.user_id = $2`, [
      scope.tenantId,
      userId,
    ]);
    return rows[0] ? toMember(rows[0]) : undefined;
  }

  async list(scope: TenantScope, page: PageRequest): Promise<Page<Member>> {
    const tail = keysetTail(page, 'm.created_at', 'm.user_id', 2);
    const rows = await this.db.query<MemberRow[]>(`${SELECT} WHERE m.tenant_id = $1 ${tail.sql}`, [
      scope.tenantId,
      ...tail.params,
    ]);
    return toPage(rows, page, position, toMember);
  }

  async setRole(scope: TenantScope, tx: Queryable, userId: string, role: MemberRole): Promise<Member> {
    await tx.query(
      `UPDATE tenant_registry.memberships SET role = $3, updated_at = now() WHERE tenant_id = $1 AND user_id = $2`,
      [scope.tenantId, userId, role],
    );
    return (await this.get(scope, userId, tx))!;
  }

  /** Removes the membership and revokes the user's API keys in this tenant. */
  async remove(scope: TenantScope, tx: Queryable, userId: string): Promise<void> {
    await tx.query(`DELETE FROM tenant_registry.memberships WHERE tenant_id = $1 AND user_id = $2`, [
      scope.tenantId,
      userId,
    ]);
    await tx.query(
      `UPDATE tenant_registry.api_keys SET revoked_at = now()
       WHERE tenant_id = $1 AND owner_user_id = $2 AND revoked_at IS NULL`,
      [scope.tenantId, userId],
    );
  }

  /** Admins of the tenant other than `userId` (call with the tenant row locked). */
  async otherAdmins(scope: TenantScope, tx: Queryable, userId: string): Promise<number> {
    const [row] = await tx.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM tenant_registry.memberships
       WHERE tenant_id = $1 AND user_id <> $2 AND role = ANY($3::text[])`,
      [scope.tenantId, userId, ADMIN_ROLES],
    );
    return row?.n ?? 0;
  }
}
