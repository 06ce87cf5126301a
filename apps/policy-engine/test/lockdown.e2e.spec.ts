// Emergency lockdown on two replicas: while GetToolScope calls keep arriving on both, a lockdown
// engaged through one replica must show in every answer given later than one second after it was
// committed, on both (NATS broadcast; the database poll covers a lost broadcast). Lockdowns refuse
// admissions, are audited, and lifting restores the scope.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AdmitJobRejection,
  Environment,
  type AdmitJobResponse,
  type GetToolScopeResponse,
} from '@auraison/contracts';
import type { TestIssuer } from '@auraison/testing';
import { DataSource } from 'typeorm';
import {
  announceTenant,
  bootPolicyEngine,
  caller,
  eventually,
  PolicyGrpcClient,
  startIssuer,
  type Service,
} from './support/harness.js';

const BOUND_MS = 1000;

interface Answer {
  replica: 'a' | 'b';
  at: number;
  lockdown: boolean;
  allowed: number;
}

describe('lockdown across two replicas (real PostgreSQL and NATS)', () => {
  let issuer: TestIssuer;
  let a: Service;
  let b: Service;
  let grpcA: PolicyGrpcClient;
  let grpcB: PolicyGrpcClient;

  beforeAll(async () => {
    issuer = await startIssuer();
    a = await bootPolicyEngine(issuer);
    b = await bootPolicyEngine(issuer, { replicaOf: a });
    grpcA = new PolicyGrpcClient(a.address('grpc'));
    grpcB = new PolicyGrpcClient(b.address('grpc'));
  });

  afterAll(async () => {
    grpcA?.close();
    grpcB?.close();
    await b?.close();
    await a?.close();
    await issuer?.close();
  });

  /**
   * Keeps `perReplica` GetToolScope calls in flight on each replica until `stop()` resolves, then
   * returns every answer with the time it arrived.
   */
  async function burst(
    tenantId: string,
    token: string,
    during: () => Promise<void>,
    perReplica = 6,
  ): Promise<Answer[]> {
    const answers: Answer[] = [];
    let running = true;
    const loop = async (client: PolicyGrpcClient, replica: 'a' | 'b'): Promise<void> => {
      while (running) {
        const res = await client.call<GetToolScopeResponse>(
          'getToolScope',
          { tenantId, agentRole: 'notebook', environment: Environment.ENVIRONMENT_TORCH_DEV_GPU },
          token,
        );
        answers.push({
          replica,
          at: Date.now(),
          lockdown: res.scope!.lockdown,
          allowed: res.scope!.allowedRules.length,
        });
      }
    };
    const loops = [
      ...Array.from({ length: perReplica }, async () => loop(grpcA, 'a')),
      ...Array.from({ length: perReplica }, async () => loop(grpcB, 'b')),
    ];
    try {
      await during();
    } finally {
      running = false;
      await Promise.all(loops);
    }
    return answers;
  }

  const sleep = async (ms: number) => new Promise((r) => setTimeout(r, ms));

  function expectBound(answers: Answer[], committedAt: number): void {
    const late = answers.filter((x) => x.at > committedAt + BOUND_MS);
    // Both replicas kept answering after the bound, and every one of those answers is locked down.
    expect(new Set(late.map((x) => x.replica))).toEqual(new Set(['a', 'b']));
    expect(late.filter((x) => !x.lockdown || x.allowed > 0)).toEqual([]);
    // Before the lockdown the scope was the real one (the test did observe a change).
    expect(answers.some((x) => x.at < committedAt && !x.lockdown && x.allowed > 0)).toBe(true);
  }

  it('should apply a tenant lockdown to every GetToolScope answer on both replicas within one second', async () => {
    const tenantId = (await announceTenant([a, b])).tenantId;
    const svc = await caller(issuer, tenantId, 'service');
    const operator = await caller(issuer, tenantId, 'operator');
    let committedAt = 0;
    const answers = await burst(tenantId, svc.token, async () => {
      await sleep(300);
      const res = await a.http
        .post(`/api/v1/policy/tenants/${tenantId}/lockdown`)
        .set(operator.auth)
        .send({ reason: 'rogue agent' });
      expect(res.status).toBe(200);
      committedAt = Date.now(); // the change committed before the answer was sent
      await sleep(BOUND_MS + 500);
    });
    expectBound(answers, committedAt);
    const lastOld = Math.max(...answers.filter((x) => !x.lockdown).map((x) => x.at));
    // In practice the broadcast makes it tens of milliseconds; the bound is the promise.
    expect(lastOld - committedAt).toBeLessThan(BOUND_MS);

    const admitted = await grpcB.call<AdmitJobResponse>(
      'admitJob',
      {
        tenantId,
        jobId: `job-${randomUUID()}`,
        environment: 1,
        gpuCount: 1,
        maxDurationS: 60,
        estimatedTokens: 0,
        agentRole: 'notebook',
      },
      svc.token,
    );
    expect(admitted).toMatchObject({
      admitted: false,
      rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_LOCKDOWN,
      message: 'a lockdown of the tenant is in force',
    });

    const lifted = await b.http
      .post(`/api/v1/policy/tenants/${tenantId}/lockdown/lift`)
      .set(operator.auth)
      .send({ reason: 'contained' });
    expect(lifted.body).toMatchObject({ lifted: true });
    // The other replica hears of the lift within the same bound.
    const scope = await eventually(async () => {
      const r = await grpcA.call<GetToolScopeResponse>(
        'getToolScope',
        { tenantId, agentRole: 'notebook', environment: 0 },
        svc.token,
      );
      return r.scope!.lockdown ? undefined : r.scope!;
    }, BOUND_MS);
    expect(scope.allowedTools).toBe('Bash(kubectl *),Bash(ray *),Read');

    const audit = await a.http.get(`/api/v1/policy/tenants/${tenantId}/audit`).set(operator.auth);
    expect(
      (audit.body.items as Array<{ action: string; reason: string }>).map((e) => [e.action, e.reason]),
    ).toEqual([
      ['lockdown.lifted', 'contained'],
      ['lockdown.engaged', 'rogue agent'],
    ]);
  });

  it('should apply a global lockdown to every tenant, and only platform admins may engage it', async () => {
    const tenantId = (await announceTenant([a, b])).tenantId;
    const svc = await caller(issuer, tenantId, 'service');
    const admin = await caller(issuer, tenantId, 'tenant_admin');
    expect((await a.http.post('/api/v1/policy/lockdown').set(admin.auth).send({ reason: 'x' })).status).toBe(
      403,
    );
    const platform = await caller(issuer, randomUUID(), 'platform_admin');
    let committedAt = 0;
    const answers = await burst(tenantId, svc.token, async () => {
      await sleep(200);
      const res = await b.http
        .post('/api/v1/policy/lockdown')
        .set(platform.auth)
        .send({ reason: 'incident 7' });
      expect(res.status).toBe(200);
      committedAt = Date.now();
      await sleep(BOUND_MS + 400);
    });
    expectBound(answers, committedAt);
    expect((await a.http.get('/api/v1/policy/lockdown').set(svc.auth)).body.global).toMatchObject({
      reason: 'incident 7',
    });
    expect(
      (await a.http.post('/api/v1/policy/lockdown/lift').set(platform.auth).send({ reason: 'over' })).body
        .lifted,
    ).toBe(true);
    const scope = await eventually(async () => {
      const r = await grpcB.call<GetToolScopeResponse>(
        'getToolScope',
        { tenantId, agentRole: 'notebook', environment: 0 },
        svc.token,
      );
      return r.scope!.lockdown ? undefined : r.scope!;
    }, BOUND_MS);
    expect(scope.lockdown).toBe(false);
  });

  it('should still reach every replica within one second when the broadcast is lost (database poll)', async () => {
    const tenantId = (await announceTenant([a, b])).tenantId;
    const svc = await caller(issuer, tenantId, 'service');
    const read = async (client: PolicyGrpcClient) =>
      (
        await client.call<GetToolScopeResponse>(
          'getToolScope',
          { tenantId, agentRole: 'notebook', environment: 0 },
          svc.token,
        )
      ).scope!;
    expect((await read(grpcA)).lockdown).toBe(false);
    expect((await read(grpcB)).lockdown).toBe(false);
    // A writer that died between COMMIT and its broadcast: the row and the generation, no NATS message.
    const db = a.app.get(DataSource);
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO policy.lockdowns (scope_key, tenant_id, version, engaged_by, reason)
         VALUES ($1, $2, nextval('policy.change_seq'), $3, 'no broadcast')`,
        [tenantId, tenantId, randomUUID()],
      );
      await tx.query(`UPDATE policy.state SET generation = generation + 1`);
    });
    const committedAt = Date.now();
    for (const client of [grpcA, grpcB])
      await eventually(async () => ((await read(client)).lockdown ? true : undefined), BOUND_MS);
    expect(Date.now() - committedAt).toBeLessThan(BOUND_MS);
  });
});
