// Experiments on an agent role's model, platform-wide (tenant_id NULL) or for one tenant. At most one
// is active per (tenant or platform, role); stopping keeps the row.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';
import type { Variant } from '../domain/assignment.js';

export interface Experiment {
  id: string;
  version: number;
  tenantId: string | null;
  agentRole: string;
  name: string;
  variants: Variant[];
  status: 'active' | 'stopped';
  createdBy: string;
  reason: string;
  createdAt: Date;
  stoppedBy: string | null;
  stopReason: string | null;
  stoppedAt: Date | null;
}

interface Row {
  id: string;
  version: string;
  tenant_id: string | null;
  agent_role: string;
  name: string;
  variants: Variant[];
  status: 'active' | 'stopped';
  created_by: string;
  reason: string;
  created_at: Date;
  stopped_by: string | null;
  stop_reason: string | null;
  stopped_at: Date | null;
}

const toExperiment = (r: Row): Experiment => ({
  id: r.id,
  version: Number(r.version),
  tenantId: r.tenant_id,
  agentRole: r.agent_role,
  name: r.name,
  variants: r.variants,
  status: r.status,
  createdBy: r.created_by,
  reason: r.reason,
  createdAt: r.created_at,
  stoppedBy: r.stopped_by,
  stopReason: r.stop_reason,
  stoppedAt: r.stopped_at,
});

/** Another experiment is already active for the same role and tenant (or platform). */
export class ExperimentConflict extends Error {}

@Injectable()
export class ExperimentRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  async activePlatformWide(db: Queryable = this.db): Promise<Experiment[]> {
    const rows = await db.query<Row[]>(
      `SELECT * FROM policy.experiments WHERE tenant_id IS NULL AND status = 'active'`,
    );
    return rows.map(toExperiment);
  }

  async activeForTenant(scope: TenantScope, db: Queryable = this.db): Promise<Experiment[]> {
    const rows = await db.query<Row[]>(
      `SELECT * FROM policy.experiments WHERE tenant_id = $1 AND status = 'active'`,
      [scope.tenantId],
    );
    return rows.map(toExperiment);
  }

  /** The tenant's experiments and the platform-wide ones, newest first. */
  async list(scope: TenantScope | 'platform'): Promise<Experiment[]> {
    const rows =
      scope === 'platform'
        ? await this.db.query<Row[]>(
            `SELECT * FROM policy.experiments WHERE tenant_id IS NULL ORDER BY created_at DESC`,
          )
        : await this.db.query<Row[]>(
            `SELECT * FROM policy.experiments WHERE tenant_id = $1 OR tenant_id IS NULL ORDER BY created_at DESC`,
            [scope.tenantId],
          );
    return rows.map(toExperiment);
  }

  /** The experiment when it is platform-wide or the scope's tenant's ('any': whoever's it is). */
  async get(
    scope: TenantScope | 'any',
    id: string,
    db: Queryable = this.db,
  ): Promise<Experiment | undefined> {
    const rows = await db.query<Row[]>(
      `SELECT * FROM policy.experiments WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2 OR tenant_id IS NULL)`,
      [id, scope === 'any' ? null : scope.tenantId],
    );
    return rows[0] ? toExperiment(rows[0]) : undefined;
  }

  async insert(
    tx: Queryable,
    e: Pick<Experiment, 'id' | 'tenantId' | 'agentRole' | 'name' | 'variants' | 'createdBy' | 'reason'>,
  ): Promise<Experiment> {
    try {
      const rows = await tx.query<Row[]>(
        `INSERT INTO policy.experiments (id, version, tenant_id, agent_role, name, variants, status, created_by, reason)
         VALUES ($1, nextval('policy.change_seq'), $2, $3, $4, $5::jsonb, 'active', $6, $7) RETURNING *`,
        [e.id, e.tenantId, e.agentRole, e.name, JSON.stringify(e.variants), e.createdBy, e.reason],
      );
      return toExperiment(rows[0]!);
    } catch (err) {
      const e = err as { code?: string; driverError?: { code?: string } };
      if ((e.code ?? e.driverError?.code) === '23505') throw new ExperimentConflict();
      throw err;
    }
  }

  async stop(tx: Queryable, id: string, stoppedBy: string, reason: string): Promise<Experiment | undefined> {
    const rows = await tx.query<Row[]>(
      `UPDATE policy.experiments SET status = 'stopped', version = nextval('policy.change_seq'),
         stopped_by = $2, stop_reason = $3, stopped_at = now()
       WHERE id = $1 AND status = 'active' RETURNING *`,
      [id, stoppedBy, reason],
    );
    return rows[0] ? toExperiment(rows[0]) : undefined;
  }
}
