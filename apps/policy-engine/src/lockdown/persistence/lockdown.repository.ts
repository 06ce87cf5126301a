// Lockdowns in force: one row for the global lockdown (`global`) and one per locked-down tenant.
// Lifting deletes the row; the audit log keeps the history.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';

export const GLOBAL_LOCKDOWN = 'global';

export interface Lockdown {
  /** `global` or the tenant id. */
  scopeKey: string;
  tenantId: string | null;
  version: number;
  engagedBy: string;
  reason: string;
  engagedAt: Date;
}

interface Row {
  scope_key: string;
  tenant_id: string | null;
  version: string;
  engaged_by: string;
  reason: string;
  engaged_at: Date;
}

const toLockdown = (r: Row): Lockdown => ({
  scopeKey: r.scope_key,
  tenantId: r.tenant_id,
  version: Number(r.version),
  engagedBy: r.engaged_by,
  reason: r.reason,
  engagedAt: r.engaged_at,
});

@Injectable()
export class LockdownRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  async global(db: Queryable = this.db): Promise<Lockdown | undefined> {
    const rows = await db.query<Row[]>(`SELECT * FROM policy.lockdowns WHERE scope_key = $1`, [
      GLOBAL_LOCKDOWN,
    ]);
    return rows[0] ? toLockdown(rows[0]) : undefined;
  }

  async forTenant(scope: TenantScope, db: Queryable = this.db): Promise<Lockdown | undefined> {
    const rows = await db.query<Row[]>(`SELECT * FROM policy.lockdowns WHERE tenant_id = $1`, [
      scope.tenantId,
    ]);
    return rows[0] ? toLockdown(rows[0]) : undefined;
  }

  /** Engages (or keeps) a lockdown; returns it and whether it was new. */
  async engage(
    tx: Queryable,
    target: { scope: TenantScope } | 'global',
    engagedBy: string,
    reason: string,
  ): Promise<{ lockdown: Lockdown; created: boolean }> {
    const key = target === 'global' ? GLOBAL_LOCKDOWN : target.scope.tenantId;
    const tenantId = target === 'global' ? null : target.scope.tenantId;
    const inserted = await tx.query<Row[]>(
      `INSERT INTO policy.lockdowns (scope_key, tenant_id, version, engaged_by, reason)
       VALUES ($1, $2, nextval('policy.change_seq'), $3, $4)
       ON CONFLICT (scope_key) DO NOTHING RETURNING *`,
      [key, tenantId, engagedBy, reason],
    );
    if (inserted[0]) return { lockdown: toLockdown(inserted[0]), created: true };
    const rows = await tx.query<Row[]>(`SELECT * FROM policy.lockdowns WHERE scope_key = $1`, [key]);
    return { lockdown: toLockdown(rows[0]!), created: false };
  }

  /** Lifts a lockdown; returns the lifted one, if there was one. */
  async lift(tx: Queryable, target: { scope: TenantScope } | 'global'): Promise<Lockdown | undefined> {
    const key = target === 'global' ? GLOBAL_LOCKDOWN : target.scope.tenantId;
    const rows = await tx.query<Row[]>(`DELETE FROM policy.lockdowns WHERE scope_key = $1 RETURNING *`, [
      key,
    ]);
    return rows[0] ? toLockdown(rows[0]) : undefined;
  }
}
