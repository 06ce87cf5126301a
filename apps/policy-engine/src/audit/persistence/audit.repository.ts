// The audit log of every policy change: versions, lockdowns, gates, experiments. Append-only (a
// trigger rejects UPDATE and DELETE).
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';

export type AuditAction =
  | 'role-default.changed'
  | 'role-default.rolled-back'
  | 'role-override.changed'
  | 'role-override.removed'
  | 'role-override.rolled-back'
  | 'lockdown.engaged'
  | 'lockdown.lifted'
  | 'gate.opened'
  | 'gate.closed'
  | 'gate.expired'
  | 'experiment.started'
  | 'experiment.stopped';

export interface AuditEntry {
  id: number;
  at: Date;
  actorId: string;
  actorTenantId: string | null;
  tenantId: string | null;
  action: AuditAction;
  target: string;
  reason: string;
  detail: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

interface Row {
  id: string;
  at: Date;
  actor_id: string;
  actor_tenant_id: string | null;
  tenant_id: string | null;
  action: AuditAction;
  target: string;
  reason: string;
  detail: Record<string, unknown>;
}

const toEntry = (r: Row): AuditEntry => ({
  id: Number(r.id),
  at: r.at,
  actorId: r.actor_id,
  actorTenantId: r.actor_tenant_id,
  tenantId: r.tenant_id,
  action: r.action,
  target: r.target,
  reason: r.reason,
  detail: r.detail,
});

@Injectable()
export class AuditRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  async append(tx: Queryable, entry: NewAuditEntry): Promise<AuditEntry> {
    const rows = await tx.query<Row[]>(
      `INSERT INTO policy.audit_log (actor_id, actor_tenant_id, tenant_id, action, target, reason, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING *`,
      [
        entry.actorId,
        entry.actorTenantId,
        entry.tenantId,
        entry.action,
        entry.target,
        entry.reason,
        JSON.stringify(entry.detail),
      ],
    );
    return toEntry(rows[0]!);
  }

  /** Newest first: the tenant's entries (scope) or the platform-wide ones ('platform'). */
  async list(
    scope: TenantScope | 'platform',
    limit: number,
    before?: number,
  ): Promise<{ items: AuditEntry[]; nextBefore: number | null }> {
    const tenantId = scope === 'platform' ? null : scope.tenantId;
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM policy.audit_log WHERE tenant_id IS NOT DISTINCT FROM $1 AND ($2::bigint IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3`,
      [tenantId, before ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map(toEntry);
    return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.id : null };
  }
}
