// Versions of role policies: the default of each role (tenant_id NULL) and tenants' overrides. Rows
// are immutable; the current version of a (tenant, role) is the one with the highest version number.
// Documents are stored in the API's snake_case shape.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';
import type { PolicyDiff, RateLimits, RoleDefaults, RoleOverride } from '../domain/role-policy.js';

interface StoredRateLimits {
  invocations_per_minute?: number;
  admissions_per_minute?: number;
  tokens_per_minute?: number;
}

interface StoredDocument {
  allow: string[];
  deny: string[];
  max_duration_s?: number;
  max_turns?: number;
  model?: string;
  rate_limits?: StoredRateLimits;
}

interface Row {
  version: string;
  tenant_id: string | null;
  agent_role: string;
  document: StoredDocument | null;
  author_id: string;
  author_tenant_id: string | null;
  reason: string;
  diff: PolicyDiff;
  rollback_of: string | null;
  created_at: Date;
}

export interface PolicyVersion<D> {
  version: number;
  tenantId: string | null;
  agentRole: string;
  /** null: the override was removed at this version. */
  document: D | null;
  authorId: string;
  authorTenantId: string | null;
  reason: string;
  diff: PolicyDiff;
  rollbackOf: number | null;
  createdAt: Date;
}

export interface NewPolicyVersion<D> {
  agentRole: string;
  document: D | null;
  authorId: string;
  authorTenantId: string;
  reason: string;
  diff: PolicyDiff;
  rollbackOf?: number;
}

function rateLimitsOf(stored: StoredRateLimits | undefined): Partial<RateLimits> {
  const out: Partial<RateLimits> = {};
  if (stored?.invocations_per_minute !== undefined) out.invocationsPerMinute = stored.invocations_per_minute;
  if (stored?.admissions_per_minute !== undefined) out.admissionsPerMinute = stored.admissions_per_minute;
  if (stored?.tokens_per_minute !== undefined) out.tokensPerMinute = stored.tokens_per_minute;
  return out;
}

function storeRateLimits(limits: Partial<RateLimits> | undefined): StoredRateLimits | undefined {
  if (!limits) return undefined;
  const out: StoredRateLimits = {};
  if (limits.invocationsPerMinute !== undefined) out.invocations_per_minute = limits.invocationsPerMinute;
  if (limits.admissionsPerMinute !== undefined) out.admissions_per_minute = limits.admissionsPerMinute;
  if (limits.tokensPerMinute !== undefined) out.tokens_per_minute = limits.tokensPerMinute;
  return out;
}

export function toStoredDocument(doc: RoleDefaults | RoleOverride): StoredDocument {
  const out: StoredDocument = { allow: doc.allow, deny: doc.deny };
  if (doc.maxDurationS !== undefined) out.max_duration_s = doc.maxDurationS;
  if (doc.maxTurns !== undefined) out.max_turns = doc.maxTurns;
  if (doc.model !== undefined) out.model = doc.model;
  const limits = storeRateLimits(doc.rateLimits);
  if (limits && Object.keys(limits).length > 0) out.rate_limits = limits;
  return out;
}

function toOverride(d: StoredDocument): RoleOverride {
  const out: RoleOverride = { allow: d.allow, deny: d.deny };
  if (d.max_duration_s !== undefined) out.maxDurationS = d.max_duration_s;
  if (d.max_turns !== undefined) out.maxTurns = d.max_turns;
  if (d.model !== undefined) out.model = d.model;
  const limits = rateLimitsOf(d.rate_limits);
  if (Object.keys(limits).length > 0) out.rateLimits = limits;
  return out;
}

function toDefaults(d: StoredDocument): RoleDefaults {
  return {
    allow: d.allow,
    deny: d.deny,
    maxDurationS: d.max_duration_s ?? 3600,
    maxTurns: d.max_turns ?? 0,
    model: d.model ?? 'claude-sonnet-4-5',
    rateLimits: {
      invocationsPerMinute: 0,
      admissionsPerMinute: 0,
      tokensPerMinute: 0,
      ...rateLimitsOf(d.rate_limits),
    },
  };
}

function toVersion<D>(r: Row, map: (d: StoredDocument) => D): PolicyVersion<D> {
  return {
    version: Number(r.version),
    tenantId: r.tenant_id,
    agentRole: r.agent_role,
    document: r.document ? map(r.document) : null,
    authorId: r.author_id,
    authorTenantId: r.author_tenant_id,
    reason: r.reason,
    diff: r.diff,
    rollbackOf: r.rollback_of === null ? null : Number(r.rollback_of),
    createdAt: r.created_at,
  };
}

const COLUMNS = `version, tenant_id, agent_role, document, author_id, author_tenant_id, reason, diff, rollback_of, created_at`;

export interface HistoryPage<D> {
  items: PolicyVersion<D>[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

@Injectable()
export class RolePolicyRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  /** The current default of every role. */
  async currentDefaults(db: Queryable = this.db): Promise<PolicyVersion<RoleDefaults>[]> {
    const rows = await db.query<Row[]>(
      `SELECT DISTINCT ON (agent_role) ${COLUMNS} FROM policy.role_policies
        WHERE tenant_id IS NULL ORDER BY agent_role, version DESC`,
    );
    return rows.map((r) => toVersion(r, toDefaults));
  }

  /** The current override of every role of the tenant (removed overrides are left out). */
  async currentOverrides(
    scope: TenantScope,
    db: Queryable = this.db,
  ): Promise<PolicyVersion<RoleOverride>[]> {
    const rows = await db.query<Row[]>(
      `SELECT DISTINCT ON (agent_role) ${COLUMNS} FROM policy.role_policies
        WHERE tenant_id = $1 ORDER BY agent_role, version DESC`,
      [scope.tenantId],
    );
    return rows.filter((r) => r.document !== null).map((r) => toVersion(r, toOverride));
  }

  async currentDefault(
    agentRole: string,
    db: Queryable = this.db,
  ): Promise<PolicyVersion<RoleDefaults> | undefined> {
    const rows = await db.query<Row[]>(
      `SELECT ${COLUMNS} FROM policy.role_policies WHERE tenant_id IS NULL AND agent_role = $1
        ORDER BY version DESC LIMIT 1`,
      [agentRole],
    );
    return rows[0] ? toVersion(rows[0], toDefaults) : undefined;
  }

  /** The latest version of the tenant's override of a role (its document is null if removed). */
  async currentOverride(
    scope: TenantScope,
    agentRole: string,
    db: Queryable = this.db,
  ): Promise<PolicyVersion<RoleOverride> | undefined> {
    const rows = await db.query<Row[]>(
      `SELECT ${COLUMNS} FROM policy.role_policies WHERE tenant_id = $1 AND agent_role = $2
        ORDER BY version DESC LIMIT 1`,
      [scope.tenantId, agentRole],
    );
    return rows[0] ? toVersion(rows[0], toOverride) : undefined;
  }

  async defaultVersion(agentRole: string, version: number): Promise<PolicyVersion<RoleDefaults> | undefined> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM policy.role_policies WHERE tenant_id IS NULL AND agent_role = $1 AND version = $2`,
      [agentRole, version],
    );
    return rows[0] ? toVersion(rows[0], toDefaults) : undefined;
  }

  async overrideVersion(
    scope: TenantScope,
    agentRole: string,
    version: number,
  ): Promise<PolicyVersion<RoleOverride> | undefined> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM policy.role_policies WHERE tenant_id = $1 AND agent_role = $2 AND version = $3`,
      [scope.tenantId, agentRole, version],
    );
    return rows[0] ? toVersion(rows[0], toOverride) : undefined;
  }

  async defaultHistory(
    agentRole: string,
    limit: number,
    before?: number,
  ): Promise<HistoryPage<RoleDefaults>> {
    return this.history(null, agentRole, limit, before, toDefaults);
  }

  async overrideHistory(
    scope: TenantScope,
    agentRole: string,
    limit: number,
    before?: number,
  ): Promise<HistoryPage<RoleOverride>> {
    return this.history(scope.tenantId, agentRole, limit, before, toOverride);
  }

  private async history<D>(
    tenantId: string | null,
    agentRole: string,
    limit: number,
    before: number | undefined,
    map: (d: StoredDocument) => D,
  ): Promise<HistoryPage<D>> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM policy.role_policies
        WHERE tenant_id IS NOT DISTINCT FROM $1 AND agent_role = $2 AND ($3::bigint IS NULL OR version < $3)
        ORDER BY version DESC LIMIT $4`,
      [tenantId, agentRole, before ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map((r) => toVersion(r, map));
    return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.version : null };
  }

  async insertDefault(
    tx: Queryable,
    v: NewPolicyVersion<RoleDefaults>,
  ): Promise<PolicyVersion<RoleDefaults>> {
    return toVersion(await this.insert(tx, null, v), toDefaults);
  }

  async insertOverride(
    scope: TenantScope,
    tx: Queryable,
    v: NewPolicyVersion<RoleOverride>,
  ): Promise<PolicyVersion<RoleOverride>> {
    return toVersion(await this.insert(tx, scope.tenantId, v), toOverride);
  }

  private async insert(
    tx: Queryable,
    tenantId: string | null,
    v: NewPolicyVersion<RoleDefaults | RoleOverride>,
  ): Promise<Row> {
    const rows = await tx.query<Row[]>(
      `INSERT INTO policy.role_policies (tenant_id, agent_role, document, author_id, author_tenant_id, reason, diff, rollback_of)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7::jsonb, $8) RETURNING ${COLUMNS}`,
      [
        tenantId,
        v.agentRole,
        v.document ? JSON.stringify(toStoredDocument(v.document)) : null,
        v.authorId,
        v.authorTenantId,
        v.reason,
        JSON.stringify(v.diff),
        v.rollbackOf ?? null,
      ],
    );
    return rows[0]!;
  }

  /** Serializes writers of one (tenant, role) policy for the rest of the transaction. */
  async lockKey(tx: Queryable, tenantId: string | null, agentRole: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `role-policy:${tenantId ?? '*'}:${agentRole}`,
    ]);
  }
}
