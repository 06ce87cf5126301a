import { describe, expect, it } from '@jest/globals';
import { compare, type PlaneCounts } from './verify.js';
import { emptyTruth, type GroundTruth } from './workload.js';

const A = '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab';

function truth(): GroundTruth {
  const t = emptyTruth();
  t.events.set(A, new Set(['s1:msg_1', 'r1:PENDING:1', 'r1:SUCCEEDED:1']));
  t.agentEvents = 1;
  t.executionEvents = 2;
  t.terminalExecutions = 1;
  t.admitted.set(A, 1);
  t.gpuMs.set(A, 30_000);
  return t;
}

function agreeing(): PlaneCounts {
  return {
    storedEvents: [...truth().events.get(A)!].map((eventId) => ({ tenantId: A, eventId })),
    usageLines: 2,
    distinctUsageLines: 2,
    billedEvents: 2,
    reservations: [{ tenantId: A, status: 'settled', count: 1 }],
    gpuMsUsed: new Map([[A, 30_000]]),
    chains: [{ tenantId: A, rowsVerified: 3, broken: false }],
    deadLetters: 0,
  };
}

describe('compare', () => {
  it('should find nothing when the plane agrees exactly', () => {
    expect(compare(truth(), agreeing())).toEqual([]);
  });

  it('should name a lost event, a duplicate, a broken chain and a short chain', () => {
    const plane = agreeing();
    plane.storedEvents = [plane.storedEvents[0]!, plane.storedEvents[0]!, plane.storedEvents[1]!];
    plane.chains = [{ tenantId: A, rowsVerified: 2, broken: true }];
    expect(compare(truth(), plane)).toEqual([
      'observability store: 1 events stored more than once',
      'observability store: 1 of 3 acknowledged events missing',
      `observability store: the hash chain of tenant ${A} is broken`,
      `observability store: the chain of tenant ${A} verified 2 rows, 3 expected`,
    ]);
  });

  it('should name a double-billed event and totals that disagree', () => {
    const plane = { ...agreeing(), usageLines: 3, billedEvents: 3 };
    expect(compare(truth(), plane)).toEqual([
      'billing: 3 usage lines for 2 billable events',
      'billing: duplicate usage lines',
      'billing: the tenant totals count 3 events, 2 billed',
    ]);
  });

  it('should name a leaked reservation, wrong GPU usage and dead letters', () => {
    const plane = {
      ...agreeing(),
      reservations: [{ tenantId: A, status: 'open', count: 1 }],
      gpuMsUsed: new Map([[A, 60_000]]),
      deadLetters: 2,
    };
    expect(compare(truth(), plane)).toEqual([
      `policy engine: 1 reservations of ${A} still open (leaked)`,
      `policy engine: 60000 GPU ms used by ${A}, 30000 reported`,
      '2 messages in the dead-letter stream',
    ]);
  });
});
