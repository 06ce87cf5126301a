import { describe, expect, it } from '@jest/globals';
import { Environment, ExecutionStatus } from '@auraison/contracts';
import { agentEvent, executionEvent } from '@auraison/testing';
import { PriceBook } from '../../price-book/domain/price-book.js';
import { lineFromAgentEvent, lineFromExecutionEvent, priceLine, type UsageLimits } from './usage-line.js';

const LIMITS: UsageLimits = {
  maxTokensPerEvent: 1_000_000,
  maxGpuSecondsPerEvent: 1e6,
  maxFutureSkewMs: 60_000,
};
const NOW = new Date('2026-12-04T12:00:00Z');
const T = new Date('2026-12-01T10:00:00Z');

const book = new PriceBook([
  {
    version: 7,
    kind: 'model',
    key: 'claude-sonnet-4-5',
    effectiveFrom: new Date('2026-01-01T00:00:00Z'),
    model: { input: 3_000_000n, output: 15_000_000n, cacheRead: 300_000n, cacheWrite: 3_750_000n },
    withdrawn: false,
    createdAt: NOW,
    createdBy: 'test',
    reason: 'test',
  },
  {
    version: 8,
    kind: 'gpu',
    key: 'torch.dev.gpu',
    effectiveFrom: new Date('2026-01-01T00:00:00Z'),
    gpuHour: 2_500_000n,
    withdrawn: false,
    createdAt: NOW,
    createdBy: 'test',
    reason: 'test',
  },
]);

describe('usage lines', () => {
  it('should price every token class when an AgentEvent has a rate in force', () => {
    const c = lineFromAgentEvent(
      agentEvent({
        timestamp: T,
        tokensIn: 1200,
        tokensOut: 340,
        cacheReadTokens: 10_000,
        cacheWriteTokens: 2000,
      }),
      LIMITS,
      NOW,
    );
    if (c.kind !== 'line') throw new Error(`expected a line, got ${c.kind}`);
    expect(priceLine(c.line, book)).toEqual({
      rateVersion: 7,
      inputCost: 3600n,
      outputCost: 5100n,
      cacheReadCost: 3000n,
      cacheWriteCost: 7500n,
      gpuCost: 0n,
      cost: 19_200n,
    });
  });

  it('should price GPU time when an execution is terminal, and skip other statuses', () => {
    const done = lineFromExecutionEvent(executionEvent({ timestamp: T, gpuSeconds: 5400 }), LIMITS, NOW);
    if (done.kind !== 'line') throw new Error('expected a line');
    expect(done.line.environment).toBe('torch.dev.gpu');
    expect(priceLine(done.line, book).cost).toBe(3_750_000n);
    const running = executionEvent({ status: ExecutionStatus.EXECUTION_STATUS_RUNNING });
    expect(lineFromExecutionEvent(running, LIMITS, NOW).kind).toBe('skip');
  });

  it('should leave usage unpriced when its model or environment has no rate, unless it is all zero', () => {
    const unknown = lineFromAgentEvent(agentEvent({ timestamp: T, model: 'gpt-unknown' }), LIMITS, NOW);
    const ros = lineFromExecutionEvent(
      executionEvent({ timestamp: T, environment: Environment.ENVIRONMENT_ROS_DEV_GPU, gpuSeconds: 1 }),
      LIMITS,
      NOW,
    );
    const empty = lineFromAgentEvent(
      agentEvent({ timestamp: T, model: 'gpt-unknown', tokensIn: 0, tokensOut: 0 }),
      LIMITS,
      NOW,
    );
    for (const [c, cost] of [
      [unknown, null],
      [ros, null],
      [empty, 0n],
    ] as const) {
      if (c.kind !== 'line') throw new Error('expected a line');
      expect(priceLine(c.line, book)).toMatchObject({ rateVersion: null, cost });
    }
  });

  it('should refuse an event with a reason naming the field when a value is impossible', () => {
    const cases = [
      lineFromAgentEvent(agentEvent({ timestamp: T, tokensIn: 2_000_000 }), LIMITS, NOW),
      lineFromAgentEvent(agentEvent({ timestamp: T, tokensOut: -1 }), LIMITS, NOW),
      lineFromExecutionEvent(executionEvent({ timestamp: T, gpuSeconds: Number.NaN }), LIMITS, NOW),
      lineFromExecutionEvent(executionEvent({ timestamp: T, gpuSeconds: 1e300 }), LIMITS, NOW),
      lineFromAgentEvent(agentEvent({ timestamp: new Date('2026-12-05T12:00:00Z') }), LIMITS, NOW),
    ];
    expect(cases.map((c) => (c.kind === 'reject' ? c.reason.split(' ')[0] : c.kind))).toEqual([
      'tokens_in',
      'tokens_out',
      'gpu_seconds',
      'gpu_seconds',
      'timestamp',
    ]);
  });
});
