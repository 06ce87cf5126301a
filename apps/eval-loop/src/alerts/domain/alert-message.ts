// What an alert transition says, on mp.alerts (the Alert message) and to a webhook (JSON): a title a
// person can scan, the evidence (the signal's sentence), the value against the threshold and the
// slice's labels. Event ids are deterministic per transition (the alert's n-th transition), so a
// redelivery or a relay restart never announces a transition twice.
import { AlertSeverity, AlertState, type Alert } from '@auraison/contracts';
import type { SignalFigures } from '../../evaluation/domain/signals.js';
import type { AlertMetric, AlertRule } from './alert-rules.js';

export const ALERT_SOURCE = 'eval-loop';

const SEVERITIES: Record<AlertRule['severity'], AlertSeverity> = {
  info: AlertSeverity.ALERT_SEVERITY_INFO,
  warning: AlertSeverity.ALERT_SEVERITY_WARNING,
  critical: AlertSeverity.ALERT_SEVERITY_CRITICAL,
};

/** The event id of an alert's n-th transition (1 = first FIRING, 2 = its RESOLVED, ...). */
export function alertEventId(alertId: string, transition: number): string {
  return `eval-loop:alert:${alertId}:${transition}`;
}

export function formatMetric(metric: AlertMetric, value: number): string {
  switch (metric) {
    case 'failure_rate':
    case 'success_rate':
      return `${(value * 100).toFixed(1).replace(/\.0$/, '')}%`;
    case 'latency_p50_ms':
    case 'latency_p90_ms':
    case 'latency_p99_ms':
      return `${Math.round(value)} ms`;
    case 'cost_per_success_micros':
      return `${(value / 1e6).toFixed(4)} per success`;
    case 'tokens_per_success':
      return `${Math.round(value)} tokens per success`;
  }
}

/** Slice labels carried by the alert (and used to find it again). */
export function sliceLabels(s: SignalFigures, rule: Pick<AlertRule, 'metric'>): Record<string, string> {
  return {
    agent_role: s.agentRole,
    environment: s.environment,
    model: s.model,
    variant: s.variant,
    job_label: s.jobLabel,
    metric: rule.metric,
  };
}

export interface AlertTransitionFacts {
  alertId: string;
  /** This transition's number for the alert (1-based). */
  transition: number;
  state: 'firing' | 'resolved';
  tenantId: string;
  rule: Pick<
    AlertRule,
    'id' | 'name' | 'metric' | 'direction' | 'threshold' | 'clearThreshold' | 'severity' | 'windowHours'
  >;
  value: number;
  /** The sentence of the signal behind the transition. */
  text: string;
  labels: Record<string, string>;
  runId: string;
  at: Date;
  /** Hours of events the rule judged. */
  windowHours: number;
  /** Why a transition happened other than by the metric (e.g. the rule was deleted). */
  note?: string;
}

export function alertTitle(f: AlertTransitionFacts): string {
  const metric = f.rule.metric.replace(/_/g, ' ');
  const value = formatMetric(f.rule.metric, f.value);
  if (f.state === 'firing') {
    const op = f.rule.direction === 'above' ? '>' : '<';
    return `[FIRING] ${f.rule.name}: ${metric} ${value} ${op} ${formatMetric(f.rule.metric, f.rule.threshold)}`;
  }
  if (f.note) return `[RESOLVED] ${f.rule.name}: ${f.note}`;
  const clear = f.rule.clearThreshold ?? f.rule.threshold;
  const op = f.rule.direction === 'above' ? '<=' : '>=';
  return `[RESOLVED] ${f.rule.name}: ${metric} ${value} ${op} ${formatMetric(f.rule.metric, clear)}`;
}

export function alertDescription(f: AlertTransitionFacts): string {
  const run = f.runId ? `, evaluation run ${f.runId}` : '';
  const base = `${f.text} (rule "${f.rule.name}", last ${f.windowHours} h${run})`;
  return f.note ? `${base}; ${f.note}` : base;
}

export function toAlertMessage(f: AlertTransitionFacts): Alert {
  return {
    eventId: alertEventId(f.alertId, f.transition),
    timestamp: f.at,
    alertId: f.alertId,
    ruleId: f.rule.id,
    tenantId: f.tenantId,
    severity: SEVERITIES[f.rule.severity],
    state: f.state === 'firing' ? AlertState.ALERT_STATE_FIRING : AlertState.ALERT_STATE_RESOLVED,
    title: alertTitle(f),
    description: alertDescription(f),
    source: ALERT_SOURCE,
    value: f.value,
    threshold: f.state === 'firing' ? f.rule.threshold : (f.rule.clearThreshold ?? f.rule.threshold),
    labels: { ...f.labels, window_hours: String(f.windowHours) },
  };
}

/** The JSON body POSTed to a rule's webhook (snake_case, like the HTTP API). */
export function toWebhookBody(f: AlertTransitionFacts): string {
  const m = toAlertMessage(f);
  return JSON.stringify({
    event_id: m.eventId,
    type: `alert.${f.state}`,
    timestamp: f.at.toISOString(),
    alert_id: m.alertId,
    rule_id: m.ruleId,
    rule_name: f.rule.name,
    tenant_id: m.tenantId,
    severity: f.rule.severity,
    state: f.state,
    title: m.title,
    description: m.description,
    source: m.source,
    metric: f.rule.metric,
    value: m.value,
    threshold: m.threshold,
    labels: m.labels,
    run_id: f.runId,
  });
}

/** The run-failure alert of a tenant: FIRING when a run fails for good, RESOLVED by the next success. */
export const RUN_FAILURE_RULE_ID = 'eval-loop:run-failed';
