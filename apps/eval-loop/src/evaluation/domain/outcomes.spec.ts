import { describe, expect, it } from '@jest/globals';
import {
  buildOutcomes,
  outcomesWithin,
  wandbMetricsByJob,
  type AgentRecord,
  type ExecutionRecord,
} from './outcomes.js';

const T0 = Date.parse('2026-12-01T00:00:00Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

function execution(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    eventId: `e-${Math.random()}`,
    jobId: 'job-1',
    rayJobId: 'ray-1',
    timestamp: at(10),
    environment: 'torch.dev.gpu',
    status: 'succeeded',
    startedAt: at(2),
    endedAt: at(10),
    labels: {},
    ...overrides,
  };
}

function agent(overrides: Partial<AgentRecord> = {}): AgentRecord {
  return {
    eventId: `a-${Math.random()}`,
    jobId: 'job-1',
    timestamp: at(0),
    agentRole: 'notebook',
    model: 'claude-sonnet-4-5',
    tokensIn: 100,
    tokensOut: 20,
    labels: {},
    ...overrides,
  };
}

describe('buildOutcomes', () => {
  it('should join a terminal execution with the agent that dispatched it, its tokens and cost', () => {
    const [o, ...rest] = buildOutcomes({
      tenantId: 't',
      executions: [
        execution({ status: 'running', timestamp: at(2) }),
        execution({ labels: { job_kind: 'lakehouse' } }),
      ],
      agents: [
        agent({ variant: 'b', experimentId: 'exp', labels: { job_kind: 'etl', team: 'x' } }),
        agent({ timestamp: at(5), agentRole: 'cluster', tokensIn: 5, tokensOut: 5 }),
      ],
      costs: new Map([['job-1', 1_500_000n]]),
      wandb: new Map([['job-1', { loss: 0.5 }]]),
    });
    expect(rest).toEqual([]);
    expect(o).toMatchObject({
      jobId: 'job-1',
      agentRole: 'notebook',
      model: 'claude-sonnet-4-5',
      variant: 'b',
      experimentId: 'exp',
      status: 'succeeded',
      durationMs: 8 * 60_000,
      tokens: 130,
      costMicros: 1_500_000n,
      wandb: { loss: 0.5 },
      labels: { job_kind: 'lakehouse', team: 'x' },
    });
  });

  it('should count each attempt of a retried job once and give the job figures to its last attempt', () => {
    const outcomes = buildOutcomes({
      tenantId: 't',
      executions: [
        execution({ rayJobId: 'ray-1', attempt: 1, status: 'failed', timestamp: at(10) }),
        execution({
          rayJobId: 'ray-2',
          attempt: 2,
          status: 'succeeded',
          timestamp: at(30),
          startedAt: at(20),
          endedAt: at(30),
        }),
        // The same attempt reported twice: the latest terminal status counts.
        execution({
          rayJobId: 'ray-2',
          attempt: 2,
          status: 'succeeded',
          timestamp: at(31),
          startedAt: at(20),
          endedAt: at(31),
        }),
      ],
      agents: [agent()],
      costs: new Map([['job-1', 7n]]),
    });
    expect(outcomes.map((o) => [o.status, o.tokens, o.costMicros])).toEqual([
      ['failed', 0, undefined],
      ['succeeded', 120, 7n],
    ]);
  });

  it('should take the duration from the running event when the terminal event has no start, and none otherwise', () => {
    const [withRunning] = buildOutcomes({
      tenantId: 't',
      executions: [
        execution({ status: 'running', timestamp: at(4), startedAt: undefined }),
        execution({ startedAt: undefined, endedAt: undefined, timestamp: at(10) }),
      ],
      agents: [],
    });
    expect(withRunning!.durationMs).toBe(6 * 60_000);
    const [unknown] = buildOutcomes({
      tenantId: 't',
      executions: [execution({ startedAt: undefined })],
      agents: [],
    });
    expect(unknown!.durationMs).toBeUndefined();
    expect(unknown!.agentRole).toBe('unknown');
  });

  it('should prefer the role and variant the execution carries over its agent', () => {
    const [o] = buildOutcomes({
      tenantId: 't',
      executions: [execution({ agentRole: 'lakehouse', variant: 'v2' })],
      agents: [agent({ variant: 'v1' })],
    });
    expect([o!.agentRole, o!.variant]).toEqual(['lakehouse', 'v2']);
  });
});

describe('outcomesWithin', () => {
  it('should keep outcomes whose terminal event is in [start, end)', () => {
    const list = [at(0), at(59), at(60)].map((finishedAt) => ({ finishedAt }));
    expect(outcomesWithin(list, at(0), at(60))).toHaveLength(2);
  });
});

describe('wandbMetricsByJob', () => {
  it("should average each job's numeric summary metrics and skip W&B's own", () => {
    const m = wandbMetricsByJob([
      { jobId: 'j', summary: { loss: 1, acc: 'n/a', _step: 10 } },
      { jobId: 'j', summary: { loss: 0.5 } },
      { jobId: undefined, summary: { loss: 9 } },
    ]);
    expect(Object.fromEntries(m)).toEqual({ j: { loss: 0.75 } });
  });
});
