import { describe, expect, it } from '@jest/globals';
import type { SignalFigures } from '../../evaluation/domain/signals.js';
import { evaluateRule, ruleProblems, type AlertRule, type AlertStateName } from './alert-rules.js';

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
    for (const t of evaluateRule(rule, [signal(1 - f, runs)], states)) {
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
    expect(evaluateRule(rule, [other], new Map())).toEqual([]);
  });

  it('should refuse a clear threshold on the wrong side', () => {
    expect(ruleProblems({ ...rule, clearThreshold: 0.3 })).toEqual([
      'clear_threshold must not be above threshold for an "above" rule',
    ]);
    expect(ruleProblems(rule)).toEqual([]);
  });
});
