// eval_loop.alert_states: one row per alert instance (rule x tenant x slice) once it has been judged,
// with its state and how many transitions it has had (the n of its next event id). Read FOR UPDATE
// and written in the transaction that also writes the deliveries announcing the transitions.
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
import type { AlertMetric, AlertStateName } from '../domain/alert-rules.js';

export interface AlertStateRecord {
  ruleId: string;
  alertKey: string;
  alertId: string;
  tenantId: string;
  state: AlertStateName;
  value: number;
  labels: Record<string, string>;
  text: string;
  transitions: number;
  since: Date;
  lastRunId?: string;
  updatedAt: Date;
}

/** A firing alert as listed: its state with the rule's name, metric and threshold. */
export interface FiringAlert extends AlertStateRecord {
  ruleName: string;
  metric: AlertMetric;
  direction: 'above' | 'below';
  threshold: number;
  severity: 'info' | 'warning' | 'critical';
  platformRule: boolean;
}

export interface AlertStateWrite {
  ruleId: string;
  alertKey: string;
  alertId: string;
  tenantId: string;
  state: AlertStateName;
  value: number;
  labels: Record<string, string>;
  text: string;
  transitions: number;
  /** Set when the state changes (a transition); kept otherwise. */
  changed: boolean;
  runId: string;
}

interface Row {
  rule_id: string;
  alert_key: string;
  alert_id: string;
  tenant_id: string;
  state: AlertStateName;
  value: number;
  labels: Record<string, string>;
  text: string;
  transitions: number;
  since: Date;
  since_text: string;
  last_run_id: string | null;
  updated_at: Date;
}

const COLUMNS = `s.rule_id, s.alert_key, s.alert_id, s.tenant_id, s.state, s.value, s.labels, s.text, s.transitions,
  s.since, ${createdAtText('s.since')} AS since_text, s.last_run_id, s.updated_at`;

const toRecord = (r: Row): AlertStateRecord => ({
  ruleId: r.rule_id,
  alertKey: r.alert_key,
  alertId: r.alert_id,
  tenantId: r.tenant_id,
  state: r.state,
  value: r.value,
  labels: r.labels,
  text: r.text,
  transitions: r.transitions,
  since: r.since,
  ...(r.last_run_id ? { lastRunId: r.last_run_id } : {}),
  updatedAt: r.updated_at,
});

@Injectable()
export class AlertStateRepository {
  constructor(private readonly tx: TransactionRunner) {}

  /** The states of the rules' alerts in a tenant, locked until the transaction ends. */
  async lockForTenant(
    db: Queryable,
    tenantId: string,
    ruleIds: readonly string[],
  ): Promise<Map<string, AlertStateRecord>> {
    if (ruleIds.length === 0) return new Map();
    const rows = await db.query<Row[]>(
      `SELECT ${COLUMNS} FROM eval_loop.alert_states s
        WHERE s.tenant_id = $1 AND s.rule_id = ANY($2::uuid[]) ORDER BY s.rule_id, s.alert_key FOR UPDATE`,
      [tenantId, ruleIds],
    );
    return new Map(rows.map((r) => [r.alert_key, toRecord(r)]));
  }

  /** Firing alerts of a rule (any tenant), locked: to resolve them when the rule goes. */
  async lockFiringOfRule(db: Queryable, ruleId: string): Promise<AlertStateRecord[]> {
    const rows = await db.query<Row[]>(
      `SELECT ${COLUMNS} FROM eval_loop.alert_states s WHERE s.rule_id = $1 AND s.state = 'firing' FOR UPDATE`,
      [ruleId],
    );
    return rows.map(toRecord);
  }

  async write(db: Queryable, writes: readonly AlertStateWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await db.query(
      `INSERT INTO eval_loop.alert_states (rule_id, alert_key, alert_id, tenant_id, state, value, labels, text,
         transitions, since, last_run_id, updated_at)
       SELECT x.rule_id, x.alert_key, x.alert_id, x.tenant_id, x.state, x.value, x.labels, x.text, x.transitions,
              now(), x.run_id, now()
         FROM jsonb_to_recordset($1::jsonb) AS x(rule_id uuid, alert_key text, alert_id uuid, tenant_id uuid,
              state text, value double precision, labels jsonb, text text, transitions integer, changed boolean,
              run_id uuid)
       ON CONFLICT (rule_id, alert_key) DO UPDATE SET
         state = excluded.state, value = excluded.value, labels = excluded.labels, text = excluded.text,
         transitions = excluded.transitions, last_run_id = excluded.last_run_id, updated_at = now(),
         since = CASE WHEN eval_loop.alert_states.state <> excluded.state THEN now() ELSE eval_loop.alert_states.since END`,
      [
        JSON.stringify(
          writes.map((w) => ({
            rule_id: w.ruleId,
            alert_key: w.alertKey,
            alert_id: w.alertId,
            tenant_id: w.tenantId,
            state: w.state,
            value: w.value,
            labels: w.labels,
            text: w.text,
            transitions: w.transitions,
            changed: w.changed,
            run_id: w.runId,
          })),
        ),
      ],
    );
  }

  /** The scope's firing alerts of live rules, longest firing first. */
  async firing(
    scope: TenantScope,
    page: PageRequest,
    includePlatformRules: boolean,
  ): Promise<Page<FiringAlert>> {
    const tail = keysetTail(page, 's.since', 's.alert_id', 2);
    const rows = await this.tx.queryable.query<
      Array<
        Row & {
          rule_name: string;
          metric: AlertMetric;
          direction: 'above' | 'below';
          threshold: number;
          severity: FiringAlert['severity'];
          rule_tenant_id: string | null;
        }
      >
    >(
      `SELECT ${COLUMNS}, r.name AS rule_name, r.metric, r.direction, r.threshold, r.severity, r.tenant_id AS rule_tenant_id
         FROM eval_loop.alert_states s JOIN eval_loop.alert_rules r ON r.id = s.rule_id
        WHERE s.tenant_id = $1 AND s.state = 'firing' AND r.deleted_at IS NULL
          ${includePlatformRules ? '' : 'AND r.tenant_id IS NOT NULL'} ${tail.sql}`,
      [scope.tenantId, ...tail.params],
    );
    return toPage(
      rows,
      page,
      (r) => ({ createdAt: r.since_text, id: r.alert_id }),
      (r) => ({
        ...toRecord(r),
        ruleName: r.rule_name,
        metric: r.metric,
        direction: r.direction,
        threshold: r.threshold,
        severity: r.severity,
        platformRule: r.rule_tenant_id === null,
      }),
    );
  }
}
