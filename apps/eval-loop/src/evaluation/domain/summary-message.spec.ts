import { describe, expect, it } from '@jest/globals';
import { Environment, EvaluationSummaryMessage, EvaluationTrigger } from '@auraison/contracts';
import { computeSignals, type JobOutcome } from './signals.js';
import { summaryEventId, toSummaryMessage } from './summary-message.js';

const outcome = (status: JobOutcome['status']): JobOutcome => ({
  jobId: 'j',
  tenantId: 't',
  agentRole: 'notebook',
  environment: 'ros.dev.gpu',
  model: 'm',
  variant: '',
  experimentId: '',
  labels: {},
  status,
  tokens: 10,
});

describe('toSummaryMessage', () => {
  it('should map a run and its signals to a valid EvaluationSummary', () => {
    const signals = computeSignals([outcome('succeeded'), outcome('failed')]);
    const m = toSummaryMessage(
      {
        id: '0d1e2f3a-0000-4000-8000-000000000002',
        tenantId: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
        trigger: 'execution_count',
        degradedReason: 'W&B metrics unavailable: not configured',
        windowStart: new Date('2026-12-03T00:00:00Z'),
        windowEnd: new Date('2026-12-04T00:00:00Z'),
        finishedAt: new Date('2026-12-04T00:00:05Z'),
      },
      signals,
      [],
    );
    expect(EvaluationSummaryMessage.validate(m)).toEqual([]);
    expect(m).toMatchObject({
      eventId: summaryEventId('0d1e2f3a-0000-4000-8000-000000000002'),
      trigger: EvaluationTrigger.EVALUATION_TRIGGER_EXECUTION_COUNT,
      degraded: true,
    });
    expect(m.signals[0]).toMatchObject({
      environment: Environment.ENVIRONMENT_ROS_DEV_GPU,
      runs: 2,
      successes: 1,
      successRate: 0.5,
      latencyP50Ms: 0, // no known durations
      costMicrosPerSuccess: 0,
    });
  });
});
