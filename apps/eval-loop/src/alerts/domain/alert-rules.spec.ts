import { describe, expect, it } from '@jest/globals';
import type { SignalFigures } from '../../evaluation/domain/signals.js';
import {
  alertIdOf,
  alertKey,
  assessRule,
  evaluateRule,
  ruleProblems,
  type AlertRule,
  type AlertStateName,
} from './alert-rules.js';

function signal(successRate: number, runs = 100, overrides: Partial<SignalFigures> = {}): SignalFigures {
  return {
    agentRole: 'notebook',
    environment: 'torch.dev.gpu',
    model: 'm',
    variant: '',
    jobLabel: '',
    runs,
    successes: Math.round(successRate * runs),
    successRate,
    ciLow: 0,
    ciHigh: 1,
    latencyP50Ms: 0,
    latencyP90Ms: 0,
    latencyP99Ms: 0,
    tokensPerSuccess: 0,
    costMicrosPerSuccess: 0n,
    wandbMetrics: {},
    wandbMetricDeltas: {},
    smallSample: runs < 30,
    text: '',
    ...overrides,
  };
}

const rule: AlertRule = {
  id: 'r1',
  name: 'notebook failure rate',
  metric: 'failure_rate',
  direction: 'above',
  threshold: 0.2,
  clearThreshold: 0.15,
  minSampleSize: 30,
  scope: { agentRole: 'notebook' },
  severity: 'warning',
};

/** Runs the rule over a sequence of failure rates, carrying state like the service does. */
function replay(failureRates: number[], runs = 100): string[] {
  const states = new Map<string, AlertStateName>();
  const seen: string[] = [];
  for (const f of failureRates) {
    for (const t of evaluateRule(rule, 'tenant-a', [signal(1 - f, runs)], states)) {
      states.set(t.alertKey, t.state === 'firing' ? 'firing' : 'ok');
      seen.push(`${t.state}@${f}`);
    }
  }
  return seen;
}

describe('evaluateRule', () => {
  it('should fire once when crossed and resolve once when recovered', () => {
    expect(replay([0.1, 0.25, 0.3, 0.22, 0.1])).toEqual(['firing@0.25', 'resolved@0.1']);
  });

  it('should not flap around the threshold (hysteresis)', () => {
    expect(replay([0.21, 0.19, 0.21, 0.18, 0.21, 0.16])).toEqual(['firing@0.21']);
  });

  it('should neither fire nor resolve on small samples', () => {
    expect(replay([0.9, 0.9], 10)).toEqual([]);
  });

  it('should only watch its scope', () => {
    const other = signal(0.1, 100, { agentRole: 'cluster' });
    expect(evaluateRule(rule, 'tenant-a', [other], new Map())).toEqual([]);
  });

  it('should keep the alerts of one platform-wide rule apart per tenant', () => {
    const platformRule: AlertRule = { ...rule, id: 'p1' };
    const firingInA = new Map<string, AlertStateName>([[alertKey(platformRule, 'a', signal(0.5)), 'firing']]);
    const inA = evaluateRule(platformRule, 'a', [signal(0.5)], firingInA);
    const inB = evaluateRule(platformRule, 'b', [signal(0.5)], firingInA);
    expect(inA).toEqual([]);
    expect(inB.map((t) => t.state)).toEqual(['firing']);
    expect(inB[0]!.alertKey).not.toBe(alertKey(platformRule, 'a', signal(0.5)));
  });

  it('should report the current value of a firing alert without a transition', () => {
    const key = alertKey(rule, 't', signal(0.7));
    const [a] = assessRule(rule, 't', [signal(0.7)], new Map([[key, 'firing']]));
    expect(a!.alertKey).toBe(key);
    expect(a!.transition).toBeUndefined();
    expect(a!.value).toBeCloseTo(0.3, 10);
  });

  it('should neither fire nor resolve on a metric the slice does not know', () => {
    const costRule: AlertRule = {
      ...rule,
      metric: 'cost_per_success_micros',
      threshold: 1,
      clearThreshold: 1,
    };
    expect(assessRule(costRule, 't', [signal(0.9, 100, { costMicrosPerSuccess: null })], new Map())).toEqual(
      [],
    );
    const latencyRule: AlertRule = { ...rule, metric: 'latency_p99_ms', threshold: 1, clearThreshold: 1 };
    expect(assessRule(latencyRule, 't', [signal(0.9, 100, { latencyP99Ms: Number.NaN })], new Map())).toEqual(
      [],
    );
  });

  it('should derive a stable UUID per alert key', () => {
    const id = alertIdOf('r1|t|notebook');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(alertIdOf('r1|t|notebook')).toBe(id);
    expect(alertIdOf('r1|t|cluster')).not.toBe(id);
  });

  it('should refuse rate thresholds outside 0..1 and negative thresholds', () => {
    expect(ruleProblems({ ...rule, threshold: 20, clearThreshold: 15 })).toEqual([
      'threshold must be between 0 and 1 for failure_rate',
      'clear_threshold must be between 0 and 1 for failure_rate',
    ]);
    expect(ruleProblems({ ...rule, metric: 'latency_p99_ms', threshold: -1, clearThreshold: -2 })).toEqual([
      'threshold must not be negative for latency_p99_ms',
      'clear_threshold must not be negative for latency_p99_ms',
    ]);
  });

  it('should refuse a clear threshold on the wrong side', () => {
    expect(ruleProblems({ ...rule, clearThreshold: 0.3 })).toEqual([
      'clear_threshold must not be above threshold for an "above" rule',
    ]);
    expect(ruleProblems(rule)).toEqual([]);
  });
});
