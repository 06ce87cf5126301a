// Judges a run's signals against the alert rules that apply to the tenant, inside the run's
// transaction: alert states are read FOR UPDATE, and each transition writes its new state and its
// deliveries (mp.alerts, and the rule's webhook) in that same transaction. So whichever replica runs
// the evaluation, a crossing yields exactly one FIRING and a recovery exactly one RESOLVED.
import { Injectable } from '@nestjs/common';
import type { Tx } from '@auraison/api-kit';
import { AlertMessage, AlertSeverity, AlertState, SUBJECTS, type Alert } from '@auraison/contracts';
import { EvalMetrics } from '../../common/eval-metrics.js';
import type { SignalFigures } from '../../evaluation/domain/signals.js';
import {
  alertEventId,
  RUN_FAILURE_RULE_ID,
  sliceLabels,
  toAlertMessage,
  toWebhookBody,
  type AlertTransitionFacts,
} from '../domain/alert-message.js';
import { alertIdOf, assessRule, type AlertStateName } from '../domain/alert-rules.js';
import type { StoredAlertRule } from '../persistence/alert-rule.repository.js';
import { AlertStateRepository, type AlertStateWrite } from '../persistence/alert-state.repository.js';
import {
  DeliveryRepository,
  type NewNatsDelivery,
  type NewWebhookDelivery,
} from '../persistence/delivery.repository.js';

export interface RunJudgement {
  tenantId: string;
  runId: string;
  rules: readonly StoredAlertRule[];
  /** The signals a rule judges (those of its window). */
  signalsFor(rule: StoredAlertRule): readonly SignalFigures[];
  /** Hours of events a rule judges. */
  windowHoursOf(rule: StoredAlertRule): number;
  at: Date;
}

function natsDelivery(alert: Alert): NewNatsDelivery {
  return {
    eventId: alert.eventId,
    subject: SUBJECTS.alerts,
    messageType: AlertMessage.typeName,
    payload: AlertMessage.encode(alert),
  };
}

@Injectable()
export class AlertEvaluator {
  constructor(
    private readonly states: AlertStateRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly metrics: EvalMetrics,
  ) {}

  /** Applies every rule to the run's signals; returns the transitions written. */
  async judge(db: Tx, j: RunJudgement): Promise<AlertTransitionFacts[]> {
    if (j.rules.length === 0) return [];
    const current = await this.states.lockForTenant(
      db,
      j.tenantId,
      j.rules.map((r) => r.id),
    );
    const names = new Map<string, AlertStateName>([...current].map(([k, v]) => [k, v.state]));
    const writes: AlertStateWrite[] = [];
    const transitions: Array<{ facts: AlertTransitionFacts; rule: StoredAlertRule }> = [];
    for (const rule of j.rules) {
      for (const a of assessRule(rule, j.tenantId, j.signalsFor(rule), names)) {
        const seen = current.get(a.alertKey);
        const labels = sliceLabels(a.signal, rule);
        // No transition: only alerts already known are kept current (their value, their evidence).
        if (!a.transition) {
          if (seen)
            writes.push({
              ...seen,
              value: a.value,
              labels,
              text: a.signal.text,
              changed: false,
              runId: j.runId,
            });
          continue;
        }
        const alertId = seen?.alertId ?? alertIdOf(a.alertKey);
        const transition = (seen?.transitions ?? 0) + 1;
        writes.push({
          ruleId: rule.id,
          alertKey: a.alertKey,
          alertId,
          tenantId: j.tenantId,
          state: a.transition === 'firing' ? 'firing' : 'ok',
          value: a.value,
          labels,
          text: a.signal.text,
          transitions: transition,
          changed: true,
          runId: j.runId,
        });
        transitions.push({
          rule,
          facts: {
            alertId,
            transition,
            state: a.transition,
            tenantId: j.tenantId,
            rule,
            value: a.value,
            text: a.signal.text,
            labels,
            runId: j.runId,
            at: j.at,
            windowHours: j.windowHoursOf(rule),
          },
        });
      }
    }
    await this.states.write(db, writes);
    await this.announce(db, transitions);
    return transitions.map((t) => t.facts);
  }

  /**
   * A deleted or changed rule no longer stands behind its firing alerts: each is resolved (with the
   * reason), so consumers are not left with alerts nothing will ever resolve.
   */
  async resolveAll(db: Tx, rule: StoredAlertRule, note: string, windowHours: number): Promise<number> {
    const firing = await this.states.lockFiringOfRule(db, rule.id);
    const facts: AlertTransitionFacts[] = firing.map((s) => ({
      alertId: s.alertId,
      transition: s.transitions + 1,
      state: 'resolved',
      tenantId: s.tenantId,
      rule,
      value: s.value,
      text: s.text,
      labels: s.labels,
      runId: s.lastRunId ?? '',
      at: new Date(),
      windowHours,
      note,
    }));
    await this.states.write(
      db,
      firing.map((s) => ({
        ...s,
        state: 'ok',
        transitions: s.transitions + 1,
        changed: true,
        runId: s.lastRunId ?? '00000000-0000-0000-0000-000000000000',
      })),
    );
    await this.announce(
      db,
      facts.map((f) => ({ facts: f, rule })),
    );
    return facts.length;
  }

  /** The run-failure alert of a tenant: FIRING when a run failed for good. */
  async runFailed(db: Tx, tenantId: string, runId: string, attempts: number, error: string): Promise<void> {
    const alert = this.runFailureAlert(tenantId, runId, AlertState.ALERT_STATE_FIRING, {
      title: `[FIRING] evaluation run failed after ${attempts} attempt(s)`,
      description: `Evaluation run ${runId} failed: ${error}`,
      value: attempts,
    });
    await this.deliveries.addNats(db, [natsDelivery(alert)]);
    db.afterCommit(() => this.metrics.alertTransitions.inc({ state: 'firing', severity: 'warning' }));
  }

  /** ... RESOLVED by the next run that finishes. */
  async runRecovered(db: Tx, tenantId: string, runId: string): Promise<void> {
    const alert = this.runFailureAlert(tenantId, runId, AlertState.ALERT_STATE_RESOLVED, {
      title: '[RESOLVED] evaluation runs succeed again',
      description: `Evaluation run ${runId} finished after an earlier run failed`,
      value: 0,
    });
    await this.deliveries.addNats(db, [natsDelivery(alert)]);
    db.afterCommit(() => this.metrics.alertTransitions.inc({ state: 'resolved', severity: 'warning' }));
  }

  private runFailureAlert(
    tenantId: string,
    runId: string,
    state: AlertState,
    text: { title: string; description: string; value: number },
  ): Alert {
    const firing = state === AlertState.ALERT_STATE_FIRING;
    return {
      eventId: `eval-loop:run-${firing ? 'failed' : 'recovered'}:${runId}`,
      timestamp: new Date(),
      alertId: alertIdOf(`${RUN_FAILURE_RULE_ID}|${tenantId}`),
      ruleId: RUN_FAILURE_RULE_ID,
      tenantId,
      severity: AlertSeverity.ALERT_SEVERITY_WARNING,
      state,
      title: text.title,
      description: text.description,
      source: 'eval-loop',
      value: text.value,
      threshold: 0,
      labels: { run_id: runId },
    };
  }

  private async announce(
    db: Tx,
    transitions: ReadonlyArray<{ facts: AlertTransitionFacts; rule: StoredAlertRule }>,
  ): Promise<void> {
    const nats: NewNatsDelivery[] = [];
    const hooks: NewWebhookDelivery[] = [];
    for (const { facts: f, rule } of transitions) {
      nats.push(natsDelivery(toAlertMessage(f)));
      if (rule.webhookUrl)
        hooks.push({
          eventId: alertEventId(f.alertId, f.transition),
          ruleId: rule.id,
          body: toWebhookBody(f),
        });
    }
    await this.deliveries.addNats(db, nats);
    await this.deliveries.addWebhooks(db, hooks);
    db.afterCommit(() => {
      for (const { facts: f } of transitions)
        this.metrics.alertTransitions.inc({ state: f.state, severity: f.rule.severity });
    });
  }
}
