// The service's copy of every tenant, kept from mp.tenant.events. Events carry the full state and a
// revision, so applying them is an upsert that never moves a tenant back to an older revision:
// redeliveries and out-of-order batches are harmless. Reads are cached for a second, so every replica
// sees a change (e.g. a suspension) within about a second of its commit here.
import type { TenantEvent } from '@auraison/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { tenantRecordFromEvent, type TenantQuota, type TenantRecord } from './tenant-record.js';

interface Row {
  tenant_id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
  k8s_namespace: string;
  allowed_environments: string[];
  quota: TenantQuota;
  revision: string;
}

const toRecord = (r: Row): TenantRecord => ({
  tenantId: r.tenant_id,
  slug: r.slug,
  name: r.name,
  status: r.status,
  k8sNamespace: r.k8s_namespace,
  allowedEnvironments: r.allowed_environments as TenantRecord['allowedEnvironments'],
  quota: r.quota,
  revision: Number(r.revision),
});

export interface TenantProjectionOptions {
  /** The service's schema holding the `tenants` table. */
  schema: string;
  /** How long a read is served from memory (default 1000 ms). */
  cacheMs?: number;
}

export class TenantProjection {
  private readonly cache = new Map<string, { record: TenantRecord | undefined; at: number }>();
  private readonly table: string;

  constructor(
    private readonly db: DataSource,
    private readonly options: TenantProjectionOptions,
  ) {
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(options.schema)) throw new Error(`invalid schema ${options.schema}`);
    this.table = `"${options.schema}"."tenants"`;
  }

  /** Upserts the newest state of each tenant in `events`; returns how many rows changed. */
  async apply(events: readonly TenantEvent[], manager: EntityManager = this.db.manager): Promise<number> {
    // Newest event per tenant first, so one statement does the batch.
    const newest = new Map<string, TenantRecord>();
    for (const e of events) {
      const r = tenantRecordFromEvent(e);
      const seen = newest.get(r.tenantId);
      if (!seen || seen.revision < r.revision) newest.set(r.tenantId, r);
    }
    if (newest.size === 0) return 0;
    const records = [...newest.values()];
    const rows = await manager.query<unknown[]>(
      `INSERT INTO ${this.table} (tenant_id, slug, name, status, k8s_namespace, allowed_environments, quota, revision, updated_at)
       SELECT x.tenant_id, x.slug, x.name, x.status, x.k8s_namespace,
              ARRAY(SELECT jsonb_array_elements_text(x.allowed_environments)), x.quota, x.revision, now()
         FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id uuid, slug text, name text, status text,
              k8s_namespace text, allowed_environments jsonb, quota jsonb, revision bigint)
       ON CONFLICT (tenant_id) DO UPDATE SET
         slug = excluded.slug, name = excluded.name, status = excluded.status,
         k8s_namespace = excluded.k8s_namespace, allowed_environments = excluded.allowed_environments,
         quota = excluded.quota, revision = excluded.revision, updated_at = now()
       WHERE ${this.table}.revision < excluded.revision
       RETURNING tenant_id`,
      [
        JSON.stringify(
          records.map((r) => ({
            tenant_id: r.tenantId,
            slug: r.slug,
            name: r.name,
            status: r.status,
            k8s_namespace: r.k8sNamespace,
            allowed_environments: r.allowedEnvironments,
            quota: r.quota,
            revision: r.revision,
          })),
        ),
      ],
    );
    for (const r of records) this.cache.delete(r.tenantId);
    return rows.length;
  }

  /** The tenant, or undefined when this service has never heard of it. */
  async get(tenantId: string, now = Date.now()): Promise<TenantRecord | undefined> {
    const hit = this.cache.get(tenantId);
    if (hit && now - hit.at < (this.options.cacheMs ?? 1000)) return hit.record;
    const rows = await this.db.query<Row[]>(`SELECT * FROM ${this.table} WHERE tenant_id = $1`, [tenantId]);
    const record = rows[0] ? toRecord(rows[0]) : undefined;
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(tenantId, { record, at: now });
    return record;
  }

  /** Every tenant (admin views, periodic jobs). */
  async all(): Promise<TenantRecord[]> {
    const rows = await this.db.query<Row[]>(`SELECT * FROM ${this.table} ORDER BY slug`);
    return rows.map(toRecord);
  }
}
