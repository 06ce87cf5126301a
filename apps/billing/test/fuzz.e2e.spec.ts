// Property-based fuzzing of billing's edges (libs/app-testing, fast-check): no HTTP body or query makes
// it answer 5xx; every fuzzed usage event ends in the DLQ with a reason and billing stays ready.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fuzzHttp, fuzzNatsSubject } from '@auraison/app-testing';
import { SUBJECTS } from '@auraison/contracts';
import { addTenant, auth, bootBilling, type Billing } from './support/harness.js';

const AGENT_FIELDS = [
  'event_id',
  'tenant_id',
  'session_id',
  'job_id',
  'agent_role',
  'model',
  'tokens_in',
  'tokens_out',
  'tool_calls',
  'timestamp',
];
const EXECUTION_FIELDS = [
  'event_id',
  'tenant_id',
  'job_id',
  'status',
  'environment',
  'gpu_seconds',
  'timestamp',
];

describe('billing under fuzzed input (real PostgreSQL and NATS)', () => {
  let b: Billing;
  let tenantId: string;

  beforeAll(async () => {
    // Every fuzzed event is dead-lettered with a warning: keep CI's output to errors.
    b = await bootBilling({ LOG_LEVEL: 'error' });
    tenantId = await addTenant(b);
  }, 60_000);

  afterAll(async () => {
    await b?.close();
  });

  it('should never answer 5xx to any body or query', async () => {
    const { Authorization } = await auth(b, tenantId, 'platform_admin');
    const result = await fuzzHttp({ service: b.service, authorization: Authorization, tenantId, runs: 25 });
    expect(result.requests).toBeGreaterThan(result.routes * 8);
    expect(result.failures).toEqual([]);
  }, 180_000);

  it.each([
    ['mp.agent.events', SUBJECTS.agentEvents, AGENT_FIELDS],
    ['mp.execution.events', SUBJECTS.executionEvents, EXECUTION_FIELDS],
  ])(
    'should dead-letter every fuzzed payload on %s with a reason and stay ready',
    async (_name, subject, fields) => {
      const result = await fuzzNatsSubject({ service: b.service, subject, fields, runs: 40 });
      expect(result.published).toBe(40);
      expect(result.missing).toEqual([]);
      expect(result.withoutReason).toEqual([]);
      expect((await b.service.waitReady()).ready).toBe(true);
    },
    120_000,
  );
});
