// The Alert billing publishes when a tenant's spend in a period reaches 50%, 80% or 100% of its budget.
// Its event id is `<tenant>:<period start>:<threshold>`: a retry or a second replica publishing the
// same crossing is dropped by JetStream's duplicate window, and consumers can deduplicate on it.
import { AlertSeverity, AlertState, type Alert } from '@auraison/contracts';
import { formatUsd } from '../../common/domain/money.js';
import type { BillingPeriod } from '../../common/domain/period.js';

export const BUDGET_THRESHOLDS = [50, 80, 100] as const;
export const BUDGET_RULE_ID = 'billing.budget';

export interface BudgetCrossing {
  tenantId: string;
  tenantSlug?: string;
  period: BillingPeriod;
  threshold: number;
  spendMicros: bigint;
  budgetMicros: bigint;
  crossedAt: Date;
}

const SEVERITY: Record<number, AlertSeverity> = {
  50: AlertSeverity.ALERT_SEVERITY_INFO,
  80: AlertSeverity.ALERT_SEVERITY_WARNING,
  100: AlertSeverity.ALERT_SEVERITY_CRITICAL,
};

/** Percent of the budget spent, two decimals, as a display number (money itself stays exact). */
export function percentUsed(spend: bigint, budget: bigint): number {
  if (budget <= 0n) return 0;
  return Number((spend * 10_000n) / budget) / 100;
}

export function budgetAlert(c: BudgetCrossing): Alert {
  const who = c.tenantSlug ?? c.tenantId;
  const spend = formatUsd(c.spendMicros);
  const budget = formatUsd(c.budgetMicros);
  return {
    eventId: `${c.tenantId}:${c.period.startDate}:${c.threshold}`,
    timestamp: c.crossedAt,
    alertId: `${BUDGET_RULE_ID}:${c.tenantId}:${c.period.startDate}:${c.threshold}`,
    ruleId: BUDGET_RULE_ID,
    tenantId: c.tenantId,
    severity: SEVERITY[c.threshold] ?? AlertSeverity.ALERT_SEVERITY_WARNING,
    state: AlertState.ALERT_STATE_FIRING,
    title: `Tenant ${who} has spent ${c.threshold}% of its ${c.period.label} budget`,
    description:
      `Spend USD ${spend} of a USD ${budget} budget (${percentUsed(c.spendMicros, c.budgetMicros)}%) in the ` +
      `billing period ${c.period.start.toISOString()} to ${c.period.end.toISOString()}.`,
    source: 'billing',
    value: percentUsed(c.spendMicros, c.budgetMicros),
    threshold: c.threshold,
    labels: {
      tenant_slug: c.tenantSlug ?? '',
      period: c.period.label,
      period_start: c.period.start.toISOString(),
      period_end: c.period.end.toISOString(),
      spend_usd: spend,
      budget_usd: budget,
      threshold_pct: String(c.threshold),
    },
  };
}
