import { describe, expect, it } from '@jest/globals';
import { AlertSeverity, AlertState } from '@auraison/contracts';
import { alertEventId, toAlertMessage, toWebhookBody, type AlertTransitionFacts } from './alert-message.js';

const facts: AlertTransitionFacts = {
  alertId: '3f2b3c1a-0000-5000-8000-000000000001',
  transition: 1,
  state: 'firing',
  tenantId: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
  rule: {
    id: '0d1e2f3a-0000-4000-8000-000000000002',
    name: 'notebook failures',
    metric: 'failure_rate',
    direction: 'above',
    threshold: 0.2,
    clearThreshold: 0.15,
    severity: 'critical',
  },
  value: 0.23,
  text: 'notebook on torch.dev.gpu: 23% failure rate (n=412, 95% CI 19-27%)',
  labels: { agent_role: 'notebook', environment: 'torch.dev.gpu' },
  runId: 'run-1',
  at: new Date('2026-12-04T10:00:00Z'),
  windowHours: 24,
};

describe('alert messages', () => {
  it('should say what crossed which threshold, with the evidence and a deterministic event id', () => {
    const m = toAlertMessage(facts);
    expect(m).toMatchObject({
      eventId: alertEventId(facts.alertId, 1),
      state: AlertState.ALERT_STATE_FIRING,
      severity: AlertSeverity.ALERT_SEVERITY_CRITICAL,
      title: '[FIRING] notebook failures: failure rate 23% > 20%',
      source: 'eval-loop',
      value: 0.23,
      threshold: 0.2,
      labels: { agent_role: 'notebook', environment: 'torch.dev.gpu', window_hours: '24' },
    });
    expect(m.description).toContain('23% failure rate');
  });

  it('should resolve against the clear threshold and carry the same alert id', () => {
    const m = toAlertMessage({ ...facts, state: 'resolved', transition: 2, value: 0.1 });
    expect(m.title).toBe('[RESOLVED] notebook failures: failure rate 10% <= 15%');
    expect(m.threshold).toBe(0.15);
    expect(m.alertId).toBe(facts.alertId);
    expect(m.eventId).toBe(`eval-loop:alert:${facts.alertId}:2`);
  });

  it('should give webhooks a snake_case JSON body with the same event id', () => {
    const body = JSON.parse(toWebhookBody(facts)) as Record<string, unknown>;
    expect(body).toMatchObject({
      event_id: alertEventId(facts.alertId, 1),
      type: 'alert.firing',
      rule_name: 'notebook failures',
      severity: 'critical',
      metric: 'failure_rate',
      run_id: 'run-1',
    });
  });
});
