import { describe, expect, it } from '@jest/globals';
import { AlertSeverity, AlertState, validateAlert } from '@auraison/contracts';
import { periodFromStartDate } from '../../common/domain/period.js';
import { budgetAlert, percentUsed } from './budget-alert.js';

describe('budget alerts', () => {
  it('should build a valid Alert with a deterministic event id when a threshold is crossed', () => {
    const alert = budgetAlert({
      tenantId: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
      tenantSlug: 'acme',
      period: periodFromStartDate('2026-12-01'),
      threshold: 80,
      spendMicros: 80_250_000n,
      budgetMicros: 100_000_000n,
      crossedAt: new Date('2026-12-04T10:00:00Z'),
    });
    expect(validateAlert(alert)).toEqual([]);
    expect(alert).toMatchObject({
      eventId: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab:2026-12-01:80',
      severity: AlertSeverity.ALERT_SEVERITY_WARNING,
      state: AlertState.ALERT_STATE_FIRING,
      source: 'billing',
      value: 80.25,
      threshold: 80,
    });
    expect(alert.labels).toMatchObject({
      spend_usd: '80.250000',
      budget_usd: '100.000000',
      period: '2026-12',
    });
  });

  it('should compute the percent used from integers when the budget is positive', () => {
    expect(percentUsed(1n, 3n)).toBe(33.33);
    expect(percentUsed(5n, 0n)).toBe(0);
  });
});
