import { describe, expect, it } from '@jest/globals';
import { compareExperiments, computeSignals, type JobOutcome } from './signals.js';

let seq = 0;
function job(overrides: Partial<JobOutcome> = {}): JobOutcome {
  seq++;
  return {
    jobId: `job-${seq}`,
    tenantId: 't',
    agentRole: 'notebook',
    environment: 'torch.dev.gpu',
    model: 'claude-sonnet-4-5',
    variant: '',
    experimentId: '',
    labels: {},
    status: 'succeeded',
    durationMs: 1000,
    tokens: 100,
    ...overrides,
  };
}

function many(n: number, overrides: Partial<JobOutcome>): JobOutcome[] {
  return Array.from({ length: n }, () => job(overrides));
}

describe('computeSignals', () => {
  it('should give the failure rate with its Wilson interval in a sentence, per job label too', () => {
    const outcomes = [
      ...many(317, { labels: { job_kind: 'lakehouse' } }),
      ...many(95, { labels: { job_kind: 'lakehouse' }, status: 'failed' }),
      ...many(10, { labels: { job_kind: 'training' } }),
    ];
    const signals = computeSignals(outcomes);
    const lakehouse = signals.find((s) => s.jobLabel === 'lakehouse')!;
    expect(lakehouse).toMatchObject({ runs: 412, successes: 317, smallSample: false });
    expect(lakehouse.ciLow).toBeCloseTo(0.7264, 3);
    expect(lakehouse.text).toBe(
      'notebook on torch.dev.gpu: 23% failure rate for lakehouse jobs (n=412, 95% CI 19-27%)',
    );
    const all = signals.find((s) => s.jobLabel === '')!;
    expect(all.runs).toBe(422);
    const training = signals.find((s) => s.jobLabel === 'training')!;
    expect(training.smallSample).toBe(true);
    expect(training.text).toMatch(/small sample, not conclusive$/);
  });

  it('should compute latency percentiles, tokens and cost per successful job', () => {
    const outcomes = [
      ...Array.from({ length: 10 }, (_, i) =>
        job({ durationMs: (i + 1) * 100, tokens: 1000, costMicros: 2_500_000n }),
      ),
      job({ status: 'failed', durationMs: 5000, tokens: 9999, costMicros: 9_999_999n }),
    ];
    const [s] = computeSignals(outcomes);
    expect(s!.latencyP50Ms).toBe(600);
    expect(s!.latencyP99Ms).toBeCloseTo(4600, 6); // rank 9.9 of 11: 1000 + 0.9 x (5000 - 1000)
    expect(s!.tokensPerSuccess).toBe(1000);
    expect(s!.costMicrosPerSuccess).toBe(2_500_000n);
  });

  it('should report W&B metric means and their deltas against the previous window', () => {
    const now = [job({ wandb: { 'eval/loss': 0.4, acc: 0.9 } }), job({ wandb: { 'eval/loss': 0.2 } })];
    const [before] = computeSignals([job({ wandb: { 'eval/loss': 0.5 } })]);
    const [s] = computeSignals(now, [before!]);
    expect(s!.wandbMetrics).toEqual({ 'eval/loss': expect.closeTo(0.3, 10), acc: 0.9 });
    expect(s!.wandbMetricDeltas['eval/loss']).toBeCloseTo(-0.2, 10);
    expect(s!.wandbMetricDeltas).not.toHaveProperty('acc');
  });

  it('should give no W&B deltas for a slice the previous window did not have', () => {
    const [before] = computeSignals([job({ variant: 'other', wandb: { 'eval/loss': 0.5 } })]);
    const [s] = computeSignals([job({ wandb: { 'eval/loss': 0.4 } })], [before!]);
    expect(s!.wandbMetricDeltas).toEqual({});
  });

  it('should leave runs of unknown duration out of the percentiles and say NaN when none is known', () => {
    const [s] = computeSignals([
      job({ durationMs: 100 }),
      job({ durationMs: undefined }),
      job({ durationMs: 300 }),
    ]);
    expect(s!.runs).toBe(3);
    expect(s!.latencyP50Ms).toBe(200);
    const [none] = computeSignals([job({ durationMs: undefined })]);
    expect(none!.latencyP99Ms).toBeNaN();
  });

  it('should average cost over the successful jobs billing knows, and say null when it knows none', () => {
    const [s] = computeSignals([
      job({ costMicros: 1_000_000n }),
      job({ costMicros: 3_000_001n }),
      job({}),
      job({ status: 'failed', costMicros: 50_000_000n }),
    ]);
    expect(s!.costMicrosPerSuccess).toBe(2_000_000n);
    const [unknown] = computeSignals([job({})]);
    expect(unknown!.costMicrosPerSuccess).toBeNull();
  });

  it('should keep model variants apart', () => {
    const signals = computeSignals([...many(3, { variant: 'a' }), ...many(2, { variant: 'b' })]);
    expect(signals.map((s) => [s.variant, s.runs])).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });
});

describe('compareExperiments', () => {
  const arm = (variant: string, runs: number, successes: number) => [
    ...many(successes, { experimentId: 'exp-1', variant }),
    ...many(runs - successes, { experimentId: 'exp-1', variant, status: 'failed' }),
  ];

  it('should call a clear improvement significant with a plain verdict', () => {
    const [c] = compareExperiments([...arm('control', 400, 240), ...arm('haiku', 400, 300)]);
    expect(c).toMatchObject({
      controlVariant: 'control',
      variant: 'haiku',
      controlRuns: 400,
      variantSuccesses: 300,
    });
    expect(c!.pValue).toBeLessThan(0.001);
    expect(c!.verdict).toBe('haiku is better than control (success 75% vs 60%, p<0.0001)');
  });

  it('should say there is no significant difference when there is none', () => {
    const [c] = compareExperiments([...arm('control', 200, 120), ...arm('b', 200, 124)]);
    expect(c!.verdict).toMatch(/^no significant difference between b and control/);
  });

  it('should not judge small samples', () => {
    const [c] = compareExperiments([...arm('control', 10, 2), ...arm('b', 10, 9)]);
    expect(c!.verdict).toMatch(/^not enough runs yet/);
  });
});
