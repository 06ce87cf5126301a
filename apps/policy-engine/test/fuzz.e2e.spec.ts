// Property-based fuzzing of the policy engine's edges (libs/app-testing, fast-check): no HTTP body or
// query makes it answer 5xx; every fuzzed usage event it settles reservations from ends in the DLQ with
// a reason, and it stays ready.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fuzzHttp, fuzzNatsSubject } from '@auraison/app-testing';
import { SUBJECTS } from '@auraison/contracts';
import type { TestIssuer } from '@auraison/testing';
import { announceTenant, bootPolicyEngine, caller, startIssuer, type Service } from './support/harness.js';

const AGENT_FIELDS = [
  'event_id',
  'tenant_id',
  'session_id',
  'job_id',
  'agent_role',
  'model',
  'tokens_in',
  'tokens_out',
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

describe('policy-engine under fuzzed input (real PostgreSQL and NATS)', () => {
  let issuer: TestIssuer;
  let service: Service;
  let tenantId: string;

  beforeAll(async () => {
    issuer = await startIssuer();
    // Every fuzzed event is dead-lettered with a warning: keep CI's output to errors.
    service = await bootPolicyEngine(issuer, { env: { LOG_LEVEL: 'error' } });
    tenantId = (await announceTenant([service])).tenantId;
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    await issuer?.close();
  });

  it('should never answer 5xx to any body or query', async () => {
    const admin = await caller(issuer, tenantId, 'platform_admin');
    const result = await fuzzHttp({ service, authorization: admin.auth.Authorization, tenantId, runs: 25 });
    expect(result.requests).toBeGreaterThan(result.routes * 8);
    expect(result.failures).toEqual([]);
  }, 180_000);

  it('should answer 400 to a rollback whose version is an object (found by the fuzzer)', async () => {
    const admin = await caller(issuer, tenantId, 'platform_admin');
    const res = await service.http
      .post(`/api/v1/policy/tenants/${tenantId}/roles/notebook/rollback`)
      .set(admin.auth)
      .send({ reason: 'undo', version: { toString: [1, false] } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('version');
  });

  it.each([
    ['mp.agent.events', SUBJECTS.agentEvents, AGENT_FIELDS],
    ['mp.execution.events', SUBJECTS.executionEvents, EXECUTION_FIELDS],
  ])(
    'should dead-letter every fuzzed payload on %s with a reason and stay ready',
    async (_name, subject, fields) => {
      const result = await fuzzNatsSubject({ service, subject, fields, runs: 40 });
      expect(result.published).toBe(40);
      expect(result.missing).toEqual([]);
      expect(result.withoutReason).toEqual([]);
      expect((await service.waitReady()).ready).toBe(true);
    },
    120_000,
  );
});
