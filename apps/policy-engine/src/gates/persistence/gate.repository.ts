// Actuation gates currently open, per tenant and environment. Closing (or expiry) deletes the row;
// the audit log keeps the history.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import type { EnvironmentName } from '@auraison/contracts';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';

export interface Gate {
  tenantId: string;
  environment: EnvironmentName;
  version: number;
  openedBy: string;
  reason: string;
  openedAt: Date;
  expiresAt: Date;
}

interface Row {
  tenant_id: string;
  environment: EnvironmentName;
  version: string;
  opened_by: string;
  reason: string;
  opened_at: Date;
  expires_at: Date;
}

const toGate = (r: Row): Gate => ({
  tenantId: r.tenant_id,
  environment: r.environment,
  version: Number(r.version),
  openedBy: r.opened_by,
  reason: r.reason,
  openedAt: r.opened_at,
  expiresAt: r.expires_at,
});

@Injectable()
export class GateRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  /** The tenant's gates that have not expired. */
  async open(scope: TenantScope, now: Date, db: Queryable = this.db): Promise<Gate[]> {
    const rows = await db.query<Row[]>(
      `SELECT * FROM policy.gates WHERE tenant_id = $1 AND expires_at > $2 ORDER BY environment`,
      [scope.tenantId, now],
    );
    return rows.map(toGate);
  }

  /** Opens the gate, or renews it with the new expiry and reason. */
  async upsert(
    scope: TenantScope,
    tx: Queryable,
    gate: { environment: EnvironmentName; openedBy: string; reason: string; expiresAt: Date },
  ): Promise<Gate> {
    const rows = await tx.query<Row[]>(
      `INSERT INTO policy.gates (tenant_id, environment, version, opened_by, reason, expires_at)
       VALUES ($1, $2, nextval('policy.change_seq'), $3, $4, $5)
       ON CONFLICT (tenant_id, environment) DO UPDATE SET version = excluded.version, opened_by = excluded.opened_by,
         reason = excluded.reason, opened_at = now(), expires_at = excluded.expires_at
       RETURNING *`,
      [scope.tenantId, gate.environment, gate.openedBy, gate.reason, gate.expiresAt],
    );
    return toGate(rows[0]!);
  }

  async close(scope: TenantScope, tx: Queryable, environment: EnvironmentName): Promise<Gate | undefined> {
    const rows = await tx.query<Row[]>(
      `DELETE FROM policy.gates WHERE tenant_id = $1 AND environment = $2 RETURNING *`,
      [scope.tenantId, environment],
    );
    return rows[0] ? toGate(rows[0]) : undefined;
  }

  /** Deletes every expired gate (any tenant); returns them. */
  async deleteExpired(tx: Queryable, now: Date): Promise<Gate[]> {
    const rows = await tx.query<Row[]>(`DELETE FROM policy.gates WHERE expires_at <= $1 RETURNING *`, [now]);
    return rows.map(toGate);
  }
}
