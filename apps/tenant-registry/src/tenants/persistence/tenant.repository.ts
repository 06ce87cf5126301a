// Tenants table. Reads and writes of one tenant take its TenantScope; creating a tenant and listing
// every tenant take a PlatformScope, so neither can be written for a caller who may not.
import { Injectable } from '@nestjs/common';
import type { PlatformScope, TenantScope } from '@auraison/auth';
import type { EnvironmentName } from '@auraison/contracts';
import {
  type CursorPosition,
  type Page,
  type PageRequest,
  toPage,
  createdAtText,
  keysetTail,
  uniqueViolation,
  TransactionRunner,
  type Queryable,
} from '@auraison/api-kit';
import { normalizeDecimal } from '../domain/decimal.js';
import type { Quota, Tenant, TenantStatusName } from '../domain/tenant.js';

interface TenantRow {
  id: string;
  slug: string;
  name: string;
  status: TenantStatusName;
  k8s_namespace: string;
  allowed_environments: EnvironmentName[];
  gpu_hours_per_period: string;
  token_budget_per_period: string;
  max_jobs_in_flight: number;
  default_max_job_duration_s: number;
  period_anchor_day: number;
  max_gpus: number;
  cpu_cores: string;
  memory_gib: string;
  is_platform: boolean;
  revision: string;
  created_at: Date;
  updated_at: Date;
  created_at_text: string;
}

const COLUMNS = `id, slug, name, status, k8s_namespace, allowed_environments, gpu_hours_per_period,
  token_budget_per_period, max_jobs_in_flight, default_max_job_duration_s, period_anchor_day, max_gpus,
  cpu_cores, memory_gib, is_platform, revision, created_at, updated_at, ${createdAtText('created_at')} AS created_at_text`;

const TABLE = 'tenant_registry.tenants';

function toTenant(r: TenantRow): Tenant {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    status: r.status,
    k8sNamespace: r.k8s_namespace,
    allowedEnvironments: [...r.allowed_environments].sort(),
    quota: {
      gpuHoursPerPeriod: normalizeDecimal(r.gpu_hours_per_period),
      tokenBudgetPerPeriod: Number(r.token_budget_per_period),
      maxJobsInFlight: r.max_jobs_in_flight,
      defaultMaxJobDurationS: r.default_max_job_duration_s,
      periodAnchorDay: r.period_anchor_day,
      maxGpus: r.max_gpus,
      cpuCores: normalizeDecimal(r.cpu_cores),
      memoryGib: normalizeDecimal(r.memory_gib),
    },
    isPlatform: r.is_platform,
    revision: Number(r.revision),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const position = (r: TenantRow): CursorPosition => ({ createdAt: r.created_at_text, id: r.id });

export interface NewTenant {
  id: string;
  slug: string;
  name: string;
  k8sNamespace: string;
  allowedEnvironments: EnvironmentName[];
  quota: Quota;
}

export interface TenantChanges {
  name?: string;
  k8sNamespace?: string;
  allowedEnvironments?: EnvironmentName[];
}

/** A unique column that a write collided on. */
export class DuplicateTenantField extends Error {
  constructor(readonly field: 'slug' | 'k8s_namespace') {
    super(`${field} is already used by another tenant`);
    this.name = 'DuplicateTenantField';
  }
}

function duplicateField(err: unknown): DuplicateTenantField | undefined {
  const constraint = uniqueViolation(err);
  if (constraint === undefined) return undefined;
  if (constraint.includes('slug')) return new DuplicateTenantField('slug');
  if (constraint.includes('namespace')) return new DuplicateTenantField('k8s_namespace');
  return undefined;
}

@Injectable()
export class TenantRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  /** Inserts a tenant at revision 1; throws DuplicateTenantField on a taken slug or namespace. */
  async insert(_platform: PlatformScope, tx: Queryable, tenant: NewTenant): Promise<Tenant> {
    const q = tenant.quota;
    try {
      const rows = await tx.query<TenantRow[]>(
        `INSERT INTO ${TABLE} (id, slug, name, k8s_namespace, allowed_environments, gpu_hours_per_period,
           token_budget_per_period, max_jobs_in_flight, default_max_job_duration_s, period_anchor_day,
           max_gpus, cpu_cores, memory_gib, revision)
         VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11, $12, $13, 1)
         RETURNING ${COLUMNS}`,
        [
          tenant.id,
          tenant.slug,
          tenant.name,
          tenant.k8sNamespace,
          tenant.allowedEnvironments,
          q.gpuHoursPerPeriod,
          q.tokenBudgetPerPeriod,
          q.maxJobsInFlight,
          q.defaultMaxJobDurationS,
          q.periodAnchorDay,
          q.maxGpus,
          q.cpuCores,
          q.memoryGib,
        ],
      );
      return toTenant(rows[0]!);
    } catch (err) {
      throw duplicateField(err) ?? err;
    }
  }

  async get(scope: TenantScope, db: Queryable = this.db): Promise<Tenant | undefined> {
    const rows = await db.query<TenantRow[]>(`SELECT ${COLUMNS} FROM ${TABLE} WHERE id = $1`, [
      scope.tenantId,
    ]);
    return rows[0] ? toTenant(rows[0]) : undefined;
  }

  /** The tenant, locked until the transaction ends: changes to one tenant are serialized. */
  async lock(scope: TenantScope, tx: Queryable): Promise<Tenant | undefined> {
    const rows = await tx.query<TenantRow[]>(`SELECT ${COLUMNS} FROM ${TABLE} WHERE id = $1 FOR UPDATE`, [
      scope.tenantId,
    ]);
    return rows[0] ? toTenant(rows[0]) : undefined;
  }

  /** Applies the changes and increments the revision; throws DuplicateTenantField on a taken namespace. */
  async update(scope: TenantScope, tx: Queryable, changes: TenantChanges): Promise<Tenant> {
    try {
      return await this.write(
        scope,
        tx,
        `name = COALESCE($2, name), k8s_namespace = COALESCE($3, k8s_namespace),
         allowed_environments = COALESCE($4::text[], allowed_environments)`,
        [changes.name ?? null, changes.k8sNamespace ?? null, changes.allowedEnvironments ?? null],
      );
    } catch (err) {
      throw duplicateField(err) ?? err;
    }
  }

  async setStatus(scope: TenantScope, tx: Queryable, status: TenantStatusName): Promise<Tenant> {
    return this.write(scope, tx, `status = $2`, [status]);
  }

  async setQuota(scope: TenantScope, tx: Queryable, q: Quota): Promise<Tenant> {
    return this.write(
      scope,
      tx,
      `gpu_hours_per_period = $2, token_budget_per_period = $3, max_jobs_in_flight = $4,
       default_max_job_duration_s = $5, period_anchor_day = $6, max_gpus = $7, cpu_cores = $8, memory_gib = $9`,
      [
        q.gpuHoursPerPeriod,
        q.tokenBudgetPerPeriod,
        q.maxJobsInFlight,
        q.defaultMaxJobDurationS,
        q.periodAnchorDay,
        q.maxGpus,
        q.cpuCores,
        q.memoryGib,
      ],
    );
  }

  /** Increments the revision alone (a membership changed): every TenantEvent has a new revision. */
  async bumpRevision(scope: TenantScope, tx: Queryable): Promise<Tenant> {
    return this.write(scope, tx, undefined, []);
  }

  /** Every tenant (platform admins). */
  async listAll(_platform: PlatformScope, page: PageRequest): Promise<Page<Tenant>> {
    const tail = keysetTail(page, 'created_at', 'id', 1);
    const rows = await this.db.query<TenantRow[]>(
      `SELECT ${COLUMNS} FROM ${TABLE} WHERE true ${tail.sql}`,
      tail.params,
    );
    return toPage(rows, page, position, toTenant);
  }

  /** The scope's own tenant as a list (what a tenant's members see of GET /tenants). */
  async listOwn(scope: TenantScope, page: PageRequest): Promise<Page<Tenant>> {
    const tail = keysetTail(page, 'created_at', 'id', 2);
    const rows = await this.db.query<TenantRow[]>(
      `SELECT ${COLUMNS} FROM ${TABLE} WHERE id = $1 ${tail.sql}`,
      [scope.tenantId, ...tail.params],
    );
    return toPage(rows, page, position, toTenant);
  }

  /** Ids of every tenant, for internal background work only (Kubernetes resync); no caller data. */
  async idsForResync(): Promise<string[]> {
    const rows = await this.db.query<Array<{ id: string }>>(
      `SELECT id FROM ${TABLE} ORDER BY created_at, id`,
    );
    return rows.map((r) => r.id);
  }

  private async write(
    scope: TenantScope,
    tx: Queryable,
    set: string | undefined,
    params: unknown[],
  ): Promise<Tenant> {
    const rows = await tx.query<TenantRow[]>(
      `UPDATE ${TABLE} SET ${set ? `${set}, ` : ''}revision = revision + 1, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [scope.tenantId, ...params],
    );
    if (!rows[0]) throw new Error(`tenant ${scope.tenantId} vanished inside its own transaction`);
    return toTenant(rows[0]);
  }
}
