// Alert rules over evaluation signals: fire when a metric crosses its threshold on a large enough
// sample, resolve only once it is back past the clear threshold (hysteresis), so a value wandering
// around the threshold produces one alert, not a storm. Pure: state in, transitions out.
import { createHash } from 'node:crypto';
import type { SignalFigures } from '../../evaluation/domain/signals.js';

export const ALERT_METRICS = [
  'failure_rate',
  'success_rate',
  'latency_p50_ms',
  'latency_p90_ms',
  'latency_p99_ms',
  'cost_per_success_micros',
  'tokens_per_success',
] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

export interface AlertRuleScope {
  agentRole?: string;
  environment?: string;
  variant?: string;
  /** Job label value; absent or '' = the slice of all jobs. */
  jobLabel?: string;
}

export interface AlertRule {
  id: string;
  /** Tenant the rule watches; undefined for a platform-wide rule over every tenant's signals. */
  tenantId?: string;
  name: string;
  metric: AlertMetric;
  /** `above`: fire when value > threshold; `below`: fire when value < threshold. */
  direction: 'above' | 'below';
  threshold: number;
  /** Resolve only past this value (default: the threshold itself, i.e. no hysteresis). */
  clearThreshold?: number;
  minSampleSize: number;
  /** Hours of events the rule looks at; undefined = the evaluation window. */
  windowHours?: number;
  scope: AlertRuleScope;
  severity: 'info' | 'warning' | 'critical';
}

export type AlertStateName = 'ok' | 'firing';

export interface AlertTransition {
  ruleId: string;
  /** Stable per rule, tenant and slice: FIRING and RESOLVED share it. */
  alertKey: string;
  state: 'firing' | 'resolved';
  value: number;
  signal: SignalFigures;
}

/** What a rule makes of one slice it watches: its value, and the transition when there is one. */
export interface RuleAssessment {
  ruleId: string;
  alertKey: string;
  value: number;
  signal: SignalFigures;
  transition?: 'firing' | 'resolved';
}

/** The rule's metric on a slice; NaN when the slice does not know it (no duration, no cost). */
export function metricValue(metric: AlertMetric, s: SignalFigures): number {
  switch (metric) {
    case 'failure_rate':
      return 1 - s.successRate;
    case 'success_rate':
      return s.successRate;
    case 'latency_p50_ms':
      return s.latencyP50Ms;
    case 'latency_p90_ms':
      return s.latencyP90Ms;
    case 'latency_p99_ms':
      return s.latencyP99Ms;
    case 'cost_per_success_micros':
      return s.costMicrosPerSuccess === null ? Number.NaN : Number(s.costMicrosPerSuccess);
    case 'tokens_per_success':
      return s.successes > 0 ? s.tokensPerSuccess : Number.NaN;
  }
}

export function inScope(scope: AlertRuleScope, s: SignalFigures): boolean {
  return (
    (!scope.agentRole || scope.agentRole === s.agentRole) &&
    (!scope.environment || scope.environment === s.environment) &&
    (scope.variant === undefined || scope.variant === s.variant) &&
    (scope.jobLabel ?? '') === s.jobLabel
  );
}

/**
 * The alert instance of a rule on one tenant's slice. A platform-wide rule watches every tenant, so the
 * tenant is part of the key.
 */
export function alertKey(rule: Pick<AlertRule, 'id'>, tenantId: string, s: SignalFigures): string {
  return [rule.id, tenantId, s.agentRole, s.environment, s.model, s.variant, s.jobLabel].join('|');
}

/** A stable UUID for an alert key (name-based, like UUID v5): what Alert.alert_id carries. */
export function alertIdOf(key: string): string {
  const h = createHash('sha256').update(`auraison:eval-loop:alert:${key}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * Every slice of `tenantId`'s signals that `rule` watches and may judge, with its value and the
 * transition it causes given the current state of each alert (keyed by alertKey; absent = ok). Slices
 * below the minimum sample size, and slices that do not know the metric, are left out: there is
 * nothing to conclude from them either way, so they never fire and never resolve.
 */
export function assessRule(
  rule: AlertRule,
  tenantId: string,
  signals: readonly SignalFigures[],
  states: ReadonlyMap<string, AlertStateName>,
): RuleAssessment[] {
  const clear = rule.clearThreshold ?? rule.threshold;
  const crossed = (v: number): boolean =>
    rule.direction === 'above' ? v > rule.threshold : v < rule.threshold;
  const recovered = (v: number): boolean => (rule.direction === 'above' ? v <= clear : v >= clear);
  const out: RuleAssessment[] = [];
  for (const s of signals) {
    if (!inScope(rule.scope, s) || s.runs < rule.minSampleSize) continue;
    const value = metricValue(rule.metric, s);
    if (!Number.isFinite(value)) continue;
    const key = alertKey(rule, tenantId, s);
    const state = states.get(key) ?? 'ok';
    const assessment: RuleAssessment = { ruleId: rule.id, alertKey: key, value, signal: s };
    if (state === 'ok' && crossed(value)) assessment.transition = 'firing';
    else if (state === 'firing' && recovered(value)) assessment.transition = 'resolved';
    out.push(assessment);
  }
  return out;
}

/** The transitions of `rule` on `tenantId`'s signals (see assessRule). */
export function evaluateRule(
  rule: AlertRule,
  tenantId: string,
  signals: readonly SignalFigures[],
  states: ReadonlyMap<string, AlertStateName>,
): AlertTransition[] {
  return assessRule(rule, tenantId, signals, states).flatMap((a) =>
    a.transition
      ? [{ ruleId: a.ruleId, alertKey: a.alertKey, state: a.transition, value: a.value, signal: a.signal }]
      : [],
  );
}

/** Rejects rules that could never behave (clear threshold on the wrong side of the threshold). */
export function ruleProblems(
  rule: Pick<AlertRule, 'metric' | 'direction' | 'threshold' | 'clearThreshold' | 'minSampleSize'>,
): string[] {
  const problems: string[] = [];
  if (rule.clearThreshold !== undefined) {
    if (rule.direction === 'above' && rule.clearThreshold > rule.threshold)
      problems.push('clear_threshold must not be above threshold for an "above" rule');
    if (rule.direction === 'below' && rule.clearThreshold < rule.threshold)
      problems.push('clear_threshold must not be below threshold for a "below" rule');
  }
  if (rule.minSampleSize < 1) problems.push('min_sample_size must be at least 1');
  const rate = rule.metric === 'failure_rate' || rule.metric === 'success_rate';
  for (const [field, v] of [
    ['threshold', rule.threshold],
    ['clear_threshold', rule.clearThreshold],
  ] as const) {
    if (v === undefined) continue;
    if (!Number.isFinite(v)) problems.push(`${field} must be a finite number`);
    else if (rate && (v < 0 || v > 1)) problems.push(`${field} must be between 0 and 1 for ${rule.metric}`);
    else if (!rate && v < 0) problems.push(`${field} must not be negative for ${rule.metric}`);
  }
  return problems;
}
