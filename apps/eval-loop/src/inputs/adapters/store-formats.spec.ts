import { describe, expect, it } from '@jest/globals';
import { parseMicros } from './billing-costs.source.js';
import { agentFromStore, executionFromStore } from './observability-events.source.js';

describe('billing amounts', () => {
  it.each([
    ['14.845678', 14_845_678n],
    ['0.000001', 1n],
    ['2.5', 2_500_000n],
    ['-0.250000', -250_000n],
    ['12345678901234.000000', 12_345_678_901_234_000_000n],
  ])('should read %s as exact micro-units', (text, micros) => {
    expect(parseMicros(text)).toBe(micros);
  });

  it('should refuse what is not an amount', () => {
    expect(() => parseMicros('1.2345678')).toThrow(/not a money amount/);
    expect(() => parseMicros('1e3')).toThrow(/not a money amount/);
  });
});

describe('events as the observability store serves them', () => {
  it('should read an execution event body', () => {
    const r = executionFromStore('e1', {
      event_id: 'e1',
      timestamp: '2026-12-04T10:00:00.000Z',
      job_id: 'job-1',
      environment: 'torch.dev.gpu',
      ray_job_id: 'ray-1',
      status: 'failed',
      started_at: '2026-12-04T09:00:00.000Z',
      ended_at: '2026-12-04T10:00:00.000Z',
      attempt: 2,
      labels: { job_kind: 'lakehouse', bad: 3 },
    });
    expect(r).toMatchObject({
      jobId: 'job-1',
      status: 'failed',
      attempt: 2,
      labels: { job_kind: 'lakehouse' },
    });
    expect(r!.endedAt!.getTime() - r!.startedAt!.getTime()).toBe(3_600_000);
  });

  it('should skip executions it cannot use and agent events without a job', () => {
    expect(
      executionFromStore('e', {
        timestamp: '2026-12-04T10:00:00Z',
        job_id: 'j',
        status: 'exploded',
        environment: 'x',
      }),
    ).toBeUndefined();
    expect(
      agentFromStore('a', { timestamp: '2026-12-04T10:00:00Z', agent_role: 'notebook', job_id: '' }),
    ).toBeUndefined();
    expect(
      agentFromStore('a', {
        timestamp: '2026-12-04T10:00:00Z',
        agent_role: 'notebook',
        job_id: 'j',
        tokens_in: 3,
        tokens_out: 4,
      }),
    ).toMatchObject({ tokensIn: 3, tokensOut: 4, jobId: 'j' });
  });
});
