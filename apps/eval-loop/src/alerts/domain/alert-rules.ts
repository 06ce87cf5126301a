// Alert rules over evaluation signals: fire when a metric crosses its threshold on a large enough
// sample, resolve only once it is back past the clear threshold (hysteresis), so a value wandering
// around the threshold produces one alert, not a storm. Pure: state in, transitions out.
import type { SignalFigures } from '../../evaluation/domain/signals.js';

export const ALERT_METRICS = [
  'failure_rate',
  'success_rate',
  'latency_p50_ms',
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
  scope: AlertRuleScope;
  severity: 'info' | 'warning' | 'critical';
}

export type AlertStateName = 'ok' | 'firing';

export interface AlertTransition {
  ruleId: string;
  /** Stable per rule and slice: FIRING and RESOLVED share it. */
  alertKey: string;
  state: 'firing' | 'resolved';
  value: number;
  signal: SignalFigures;
}

export function metricValue(metric: AlertMetric, s: SignalFigures): number {
  switch (metric) {
    case 'failure_rate':
      return 1 - s.successRate;
    case 'success_rate':
      return s.successRate;
    case 'latency_p50_ms':
      return s.latencyP50Ms;
    case 'latency_p99_ms':
      return s.latencyP99Ms;
    case 'cost_per_success_micros':
      return Number(s.costMicrosPerSuccess);
    case 'tokens_per_success':
      return s.tokensPerSuccess;
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

export function alertKey(rule: AlertRule, s: SignalFigures): string {
  return [rule.id, s.agentRole, s.environment, s.model, s.variant, s.jobLabel].join('|');
}

/**
 * Transitions of `rule` given this run's signals and the current state of each of its alerts (keyed by
 * alertKey; absent = ok). Slices below the minimum sample size never fire and never resolve: there is
 * nothing to conclude from them either way.
 */
export function evaluateRule(
  rule: AlertRule,
  signals: readonly SignalFigures[],
  states: ReadonlyMap<string, AlertStateName>,
): AlertTransition[] {
  const clear = rule.clearThreshold ?? rule.threshold;
  const crossed = (v: number): boolean =>
    rule.direction === 'above' ? v > rule.threshold : v < rule.threshold;
  const recovered = (v: number): boolean => (rule.direction === 'above' ? v <= clear : v >= clear);
  const out: AlertTransition[] = [];
  for (const s of signals) {
    if (!inScope(rule.scope, s) || s.runs < rule.minSampleSize) continue;
    const value = metricValue(rule.metric, s);
    if (!Number.isFinite(value)) continue;
    const key = alertKey(rule, s);
    const state = states.get(key) ?? 'ok';
    if (state === 'ok' && crossed(value))
      out.push({ ruleId: rule.id, alertKey: key, state: 'firing', value, signal: s });
    else if (state === 'firing' && recovered(value))
      out.push({ ruleId: rule.id, alertKey: key, state: 'resolved', value, signal: s });
  }
  return out;
}

/** Rejects rules that could never behave (clear threshold on the wrong side of the threshold). */
export function ruleProblems(
  rule: Pick<AlertRule, 'direction' | 'threshold' | 'clearThreshold' | 'minSampleSize'>,
): string[] {
  const problems: string[] = [];
  if (rule.clearThreshold !== undefined) {
    if (rule.direction === 'above' && rule.clearThreshold > rule.threshold)
      problems.push('clear_threshold must not be above threshold for an "above" rule');
    if (rule.direction === 'below' && rule.clearThreshold < rule.threshold)
      problems.push('clear_threshold must not be below threshold for a "below" rule');
  }
  if (rule.minSampleSize < 1) problems.push('min_sample_size must be at least 1');
  return problems;
}
