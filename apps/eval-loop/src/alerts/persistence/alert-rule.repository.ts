import { Injectable } from '@nestjs/common';
import {
  createdAtText,
  keysetTail,
  toPage,
  TransactionRunner,
  type Page,
  type PageRequest,
  type Queryable,
} from '@auraison/api-kit';
import type { TenantScope } from '@auraison/auth';
import type { AlertMetric, AlertRule, AlertRuleScope } from '../domain/alert-rules.js';

/** A stored rule; the webhook secret never leaves the service. */
export interface StoredAlertRule extends AlertRule {
  webhookUrl?: string;
  hasWebhookSecret: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface AlertRuleInput {
  name: string;
  metric: AlertMetric;
  direction: 'above' | 'below';
  threshold: number;
  clearThreshold?: number;
  minSampleSize: number;
  windowHours?: number;
  scope: AlertRuleScope;
  severity: AlertRule['severity'];
  webhookUrl?: string;
  /** Write-only: stored, used to sign, never returned. Absent on update = keep the current one. */
  webhookSecret?: string;
}

interface Row {
  id: string;
  tenant_id: string | null;
  name: string;
  metric: AlertMetric;
  direction: 'above' | 'below';
  threshold: number;
  clear_threshold: number | null;
  min_sample_size: number;
  window_hours: number | null;
  scope: AlertRuleScope;
  severity: AlertRule['severity'];
  webhook_url: string | null;
  has_webhook_secret: boolean;
  created_by: string;
  created_at: Date;
  created_at_text: string;
  updated_at: Date;
}

const COLUMNS = `id, tenant_id, name, metric, direction, threshold, clear_threshold, min_sample_size, window_hours,
  scope, severity, webhook_url, webhook_secret IS NOT NULL AS has_webhook_secret, created_by, created_at, updated_at, ${createdAtText('created_at')} AS created_at_text`;

const toRule = (r: Row): StoredAlertRule => ({
  id: r.id,
  ...(r.tenant_id ? { tenantId: r.tenant_id } : {}),
  name: r.name,
  metric: r.metric,
  direction: r.direction,
  threshold: r.threshold,
  ...(r.clear_threshold !== null ? { clearThreshold: r.clear_threshold } : {}),
  minSampleSize: r.min_sample_size,
  ...(r.window_hours !== null ? { windowHours: r.window_hours } : {}),
  scope: r.scope,
  severity: r.severity,
  ...(r.webhook_url ? { webhookUrl: r.webhook_url } : {}),
  hasWebhookSecret: r.has_webhook_secret,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

@Injectable()
export class AlertRuleRepository {
  constructor(private readonly tx: TransactionRunner) {}

  /** Rules of the scope's tenant (`platform` also lists the platform-wide rules). */
  async list(
    scope: TenantScope,
    page: PageRequest,
    includePlatform: boolean,
  ): Promise<Page<StoredAlertRule>> {
    const tail = keysetTail(page, 'created_at', 'id', 2);
    const rows = await this.tx.queryable.query<Row[]>(
      `SELECT ${COLUMNS} FROM eval_loop.alert_rules
        WHERE deleted_at IS NULL AND (tenant_id = $1 ${includePlatform ? 'OR tenant_id IS NULL' : ''}) ${tail.sql}`,
      [scope.tenantId, ...tail.params],
    );
    return toPage(rows, page, (r) => ({ createdAt: r.created_at_text, id: r.id }), toRule);
  }

  /** One rule of the tenant (or a platform rule when `includePlatform`); undefined otherwise. */
  async get(
    scope: TenantScope,
    id: string,
    includePlatform: boolean,
    db: Queryable = this.tx.queryable,
  ): Promise<StoredAlertRule | undefined> {
    const rows = await db.query<Row[]>(
      `SELECT ${COLUMNS} FROM eval_loop.alert_rules
        WHERE id = $1 AND deleted_at IS NULL AND (tenant_id = $2 ${includePlatform ? 'OR tenant_id IS NULL' : ''})
        FOR UPDATE`,
      [id, scope.tenantId],
    );
    return rows[0] ? toRule(rows[0]) : undefined;
  }

  async create(
    id: string,
    tenantId: string | null,
    input: AlertRuleInput,
    createdBy: string,
    db: Queryable = this.tx.queryable,
  ): Promise<void> {
    await db.query(
      `INSERT INTO eval_loop.alert_rules (id, tenant_id, name, metric, direction, threshold, clear_threshold,
         min_sample_size, scope, severity, webhook_url, webhook_secret, created_by, window_hours)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        id,
        tenantId,
        input.name,
        input.metric,
        input.direction,
        input.threshold,
        input.clearThreshold ?? null,
        input.minSampleSize,
        JSON.stringify(input.scope),
        input.severity,
        input.webhookUrl ?? null,
        input.webhookSecret ?? null,
        createdBy,
        input.windowHours ?? null,
      ],
    );
  }

  /** Replaces a rule's settings; false when it is not there (or not the caller's). */
  async update(
    scope: TenantScope,
    id: string,
    input: AlertRuleInput,
    includePlatform: boolean,
    db: Queryable = this.tx.queryable,
  ): Promise<boolean> {
    const rows = await db.query<unknown[]>(
      `UPDATE eval_loop.alert_rules SET name = $3, metric = $4, direction = $5, threshold = $6, clear_threshold = $7,
         min_sample_size = $8, scope = $9, severity = $10, webhook_url = $11, window_hours = $13,
         webhook_secret = CASE WHEN $11::text IS NULL THEN NULL ELSE COALESCE($12, webhook_secret) END, updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL AND (tenant_id = $2 ${includePlatform ? 'OR tenant_id IS NULL' : ''})
       RETURNING id`,
      [
        id,
        scope.tenantId,
        input.name,
        input.metric,
        input.direction,
        input.threshold,
        input.clearThreshold ?? null,
        input.minSampleSize,
        JSON.stringify(input.scope),
        input.severity,
        input.webhookUrl ?? null,
        input.webhookSecret ?? null,
        input.windowHours ?? null,
      ],
    );
    return rows.length === 1;
  }

  async delete(
    scope: TenantScope,
    id: string,
    includePlatform: boolean,
    db: Queryable = this.tx.queryable,
  ): Promise<boolean> {
    const rows = await db.query<unknown[]>(
      `UPDATE eval_loop.alert_rules SET deleted_at = now()
        WHERE id = $1 AND deleted_at IS NULL AND (tenant_id = $2 ${includePlatform ? 'OR tenant_id IS NULL' : ''})
        RETURNING id`,
      [id, scope.tenantId],
    );
    return rows.length === 1;
  }

  /** Every live rule that applies to a tenant's evaluation: its own and the platform-wide ones. */
  async rulesFor(tenantId: string, db: Queryable = this.tx.queryable): Promise<StoredAlertRule[]> {
    const rows = await db.query<Row[]>(
      `SELECT ${COLUMNS} FROM eval_loop.alert_rules WHERE deleted_at IS NULL AND (tenant_id = $1 OR tenant_id IS NULL)
        ORDER BY created_at, id`,
      [tenantId],
    );
    return rows.map(toRule);
  }

  /**
   * Where a rule's webhook deliveries go, and the secret they are signed with (also for a rule deleted
   * since: its last deliveries still go out). The only read of the secret.
   */
  async webhookTarget(ruleId: string): Promise<{ url: string; secret?: string } | undefined> {
    const rows = await this.tx.queryable.query<
      Array<{ webhook_url: string | null; webhook_secret: string | null }>
    >(`SELECT webhook_url, webhook_secret FROM eval_loop.alert_rules WHERE id = $1`, [ruleId]);
    const row = rows[0];
    if (!row?.webhook_url) return undefined;
    return { url: row.webhook_url, ...(row.webhook_secret ? { secret: row.webhook_secret } : {}) };
  }
}
