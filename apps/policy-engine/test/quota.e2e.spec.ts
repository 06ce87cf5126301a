// Quota reservations across two replicas on one database: concurrent admissions never overspend,
// reservations settle from execution and agent events (idempotently), are released or expire, and
// events of unknown tenants go to the dead-letter queue with the reason.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  AdmitJobRejection,
  AgentEventMessage,
  Environment,
  ExecutionEventMessage,
  ExecutionStatus,
  STREAMS,
  SUBJECTS,
  type AdmitJobResponse,
  type GetQuotaResponse,
  type ReleaseJobResponse,
} from '@auraison/contracts';
import { JetStreamPublisher, Namespace } from '@auraison/messaging';
import { agentEvent, executionEvent, natsUrl, type TestIssuer } from '@auraison/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import {
  announceTenant,
  bootPolicyEngine,
  caller,
  eventually,
  PolicyGrpcClient,
  startIssuer,
  type Caller,
  type Service,
} from './support/harness.js';

const HOUR = 3600;

describe('quota reservations across two replicas (real PostgreSQL and NATS)', () => {
  let issuer: TestIssuer;
  let a: Service;
  let b: Service;
  let grpcA: PolicyGrpcClient;
  let grpcB: PolicyGrpcClient;
  let db: DataSource;

  beforeAll(async () => {
    issuer = await startIssuer();
    a = await bootPolicyEngine(issuer, { env: { MP_RESERVATION_GRACE_S: '0' } });
    b = await bootPolicyEngine(issuer, { env: { MP_RESERVATION_GRACE_S: '0' }, replicaOf: a });
    grpcA = new PolicyGrpcClient(a.address('grpc'));
    grpcB = new PolicyGrpcClient(b.address('grpc'));
    db = a.app.get(DataSource);
  });

  afterAll(async () => {
    grpcA?.close();
    grpcB?.close();
    await b?.close();
    await a?.close();
    await issuer?.close();
  });

  const admit = (tenantId: string, over: Record<string, unknown> = {}) => ({
    tenantId,
    jobId: `job-${randomUUID()}`,
    environment: Environment.ENVIRONMENT_TORCH_DEV_GPU,
    gpuCount: 1,
    maxDurationS: HOUR,
    estimatedTokens: 1000,
    agentRole: 'notebook',
    ...over,
  });

  async function openReservations(tenantId: string): Promise<number> {
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM policy.reservations WHERE tenant_id = $1 AND status = 'open'`,
      [tenantId],
    );
    return n as number;
  }

  describe('64 concurrent admissions for a quota that fits 10 jobs', () => {
    let tenantId: string;
    let svc: Caller;
    let admitted: AdmitJobResponse[];
    let jobIds: string[];

    beforeAll(async () => {
      // 10 GPU-hours; every job asks for 1 GPU x 1 hour.
      tenantId = (await announceTenant([a, b], { quota: { gpuHoursPerPeriod: 10, maxJobsInFlight: 64 } }))
        .tenantId;
      svc = await caller(issuer, tenantId, 'service');
      const requests = Array.from({ length: 64 }, () => admit(tenantId));
      const answers = await Promise.all(
        requests.map(async (r, i) =>
          (i % 2 === 0 ? grpcA : grpcB).call<AdmitJobResponse>('admitJob', r, svc.token),
        ),
      );
      admitted = answers.filter((r) => r.admitted);
      jobIds = requests.filter((_, i) => answers[i]!.admitted).map((r) => r.jobId);
      const rejected = answers.filter((r) => !r.admitted);
      expect(
        rejected.every((r) => r.rejection === AdmitJobRejection.ADMIT_JOB_REJECTION_GPU_HOURS_EXCEEDED),
      ).toBe(true);
    });

    it('should admit exactly 10 and never more', async () => {
      expect(admitted).toHaveLength(10);
      expect(new Set(admitted.map((r) => r.reservationId)).size).toBe(10);
      expect(await openReservations(tenantId)).toBe(10);
      const quota = await grpcB.call<GetQuotaResponse>('getQuota', { tenantId }, svc.token);
      expect(quota).toMatchObject({
        gpuHoursRemaining: 0,
        gpuHoursReserved: 10,
        jobsInFlight: 10,
        tokensReserved: 10_000,
      });
    });

    it('should reject the next admission with the reason while the quota is held', async () => {
      const next = await grpcA.call<AdmitJobResponse>('admitJob', admit(tenantId), svc.token);
      expect(next).toMatchObject({
        admitted: false,
        rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_GPU_HOURS_EXCEEDED,
        message: 'the job needs 1 GPU-hours (GPUs x max duration); 0 are left this period',
      });
      const [{ n }] = await db.query(
        `SELECT count(*)::int AS n FROM policy.decisions WHERE tenant_id = $1 AND operation = 'admit' AND outcome = 'rejected'`,
        [tenantId],
      );
      expect(n).toBe(55);
    });

    it('should settle every reservation from terminal execution events and admit again', async () => {
      const publisher = a.app.get(JetStreamPublisher);
      for (const jobId of jobIds)
        await publisher.publish(
          ExecutionEventMessage,
          SUBJECTS.executionEvents,
          executionEvent({
            tenantId,
            jobId,
            status: ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
            gpuSeconds: 1800,
            attempt: 1,
          }),
        );
      await eventually(async () => ((await openReservations(tenantId)) === 0 ? true : undefined));
      const metrics = await a.http.get('/metrics');
      expect(metrics.text).toMatch(/mp_policy_reservations_outstanding\{service="policy-engine"\} 0/);
      const quota = await grpcA.call<GetQuotaResponse>('getQuota', { tenantId }, svc.token);
      expect(quota).toMatchObject({
        jobsInFlight: 0,
        gpuHoursReserved: 0,
        gpuHoursUsed: 5,
        gpuHoursRemaining: 5,
      });
      const settled: Array<{ status: string; ms: string }> = await db.query(
        `SELECT status, gpu_ms_actual::bigint AS ms FROM policy.reservations WHERE tenant_id = $1 ORDER BY id`,
        [tenantId],
      );
      expect(
        settled.every(
          (r: { status: string; ms: string }) => r.status === 'settled' && Number(r.ms) === 1_800_000,
        ),
      ).toBe(true);
      const again = await grpcB.call<AdmitJobResponse>('admitJob', admit(tenantId), svc.token);
      expect(again.admitted).toBe(true);
    });

    it('should count GPU time once when events repeat or arrive again with new ids', async () => {
      const publisher = b.app.get(JetStreamPublisher);
      const jobId = jobIds[0]!;
      const repeat = executionEvent({
        tenantId,
        jobId,
        status: ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
        gpuSeconds: 1800,
        attempt: 1,
      });
      await publisher.publish(ExecutionEventMessage, SUBJECTS.executionEvents, repeat);
      // A lower "so far" report of the same attempt changes nothing either.
      await publisher.publish(
        ExecutionEventMessage,
        SUBJECTS.executionEvents,
        executionEvent({
          tenantId,
          jobId,
          status: ExecutionStatus.EXECUTION_STATUS_RUNNING,
          gpuSeconds: 60,
          attempt: 1,
        }),
      );
      const marker = `job-${randomUUID()}`;
      await publisher.publish(
        ExecutionEventMessage,
        SUBJECTS.executionEvents,
        executionEvent({
          tenantId,
          jobId: marker,
          status: ExecutionStatus.EXECUTION_STATUS_RUNNING,
          gpuSeconds: 36,
          attempt: 1,
        }),
      );
      // Once the later event is in, the earlier ones were handled too (one durable, in order).
      await eventually(async () => {
        const rows = await db.query(`SELECT 1 FROM policy.job_gpu_usage WHERE job_id = $1`, [marker]);
        return rows.length > 0 ? true : undefined;
      });
      const [{ used }] = await db.query(
        `SELECT gpu_ms_used::bigint AS used FROM policy.usage WHERE tenant_id = $1`,
        [tenantId],
      );
      expect(Number(used)).toBe(10 * 1_800_000 + 36_000);
    });

    it('should count agent tokens against the period, the job and the role rate', async () => {
      const publisher = a.app.get(JetStreamPublisher);
      const jobId = jobIds[1]!;
      for (let i = 0; i < 2; i++)
        await publisher.publish(
          AgentEventMessage,
          SUBJECTS.agentEvents,
          agentEvent({ tenantId, jobId, agentRole: 'notebook', tokensIn: 1000, tokensOut: 500 }),
        );
      await eventually(async () => {
        const [r] = await db.query(
          `SELECT tokens_actual::bigint AS t FROM policy.reservations WHERE job_id = $1`,
          [jobId],
        );
        return Number(r?.t) === 3000 ? true : undefined;
      });
      const quota = await grpcA.call<GetQuotaResponse>('getQuota', { tenantId }, svc.token);
      expect(quota.tokensUsed).toBe(3000);
      const [{ amount }] = await db.query(
        `SELECT sum(amount)::bigint AS amount FROM policy.rate_counters WHERE tenant_id = $1 AND kind = 'tokens'`,
        [tenantId],
      );
      expect(Number(amount)).toBe(3000);
    });
  });

  it('should release a reservation once, and refuse to admit a released job id again', async () => {
    const tenantId = (await announceTenant([a, b])).tenantId;
    const svc = await caller(issuer, tenantId, 'service');
    const request = admit(tenantId);
    const first = await grpcA.call<AdmitJobResponse>('admitJob', request, svc.token);
    const replay = await grpcB.call<AdmitJobResponse>('admitJob', request, svc.token);
    expect(replay).toMatchObject({ admitted: true, reservationId: first.reservationId });
    expect(replay.message).toBe('already admitted: the existing reservation is returned');
    const release = { tenantId, jobId: request.jobId, reason: 'cancelled by the user' };
    expect(await grpcB.call<ReleaseJobResponse>('releaseJob', release, svc.token)).toEqual({
      released: true,
      reservationId: first.reservationId,
    });
    expect(await grpcA.call<ReleaseJobResponse>('releaseJob', release, svc.token)).toEqual({
      released: false,
      reservationId: first.reservationId,
    });
    const again = await grpcA.error('admitJob', request, svc.token);
    expect(again.code).toBe(GrpcStatus.ALREADY_EXISTS);
    expect(again.details).toContain('is released; admit a new job id');
    expect(await openReservations(tenantId)).toBe(0);
  });

  it('should expire a reservation that nothing settled after its max duration plus grace', async () => {
    const tenantId = (await announceTenant([a, b])).tenantId;
    const svc = await caller(issuer, tenantId, 'service');
    const r = await grpcA.call<AdmitJobResponse>('admitJob', admit(tenantId, { maxDurationS: 1 }), svc.token);
    expect(r.admitted).toBe(true);
    const status = await eventually(async () => {
      const [row] = await db.query<Array<{ status: string }>>(
        `SELECT status FROM policy.reservations WHERE id = $1`,
        [r.reservationId],
      );
      return row?.status === 'expired' ? row.status : undefined;
    }, 5000);
    expect(status).toBe('expired');
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM policy.decisions WHERE reservation_id = $1 AND operation = 'expire'`,
      [r.reservationId],
    );
    expect(n).toBe(1);
  });

  it('should refuse a suspended tenant and honour max jobs in flight', async () => {
    const suspended = (await announceTenant([a, b], { status: 'suspended' })).tenantId;
    const s1 = await caller(issuer, suspended, 'service');
    expect(await grpcA.call<AdmitJobResponse>('admitJob', admit(suspended), s1.token)).toMatchObject({
      admitted: false,
      rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_TENANT_SUSPENDED,
    });
    const small = (await announceTenant([a, b], { quota: { maxJobsInFlight: 1 } })).tenantId;
    const s2 = await caller(issuer, small, 'service');
    expect((await grpcA.call<AdmitJobResponse>('admitJob', admit(small), s2.token)).admitted).toBe(true);
    expect(await grpcB.call<AdmitJobResponse>('admitJob', admit(small), s2.token)).toMatchObject({
      admitted: false,
      rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_MAX_JOBS_IN_FLIGHT,
      message: 'the tenant already has 1 of 1 jobs in flight',
    });
    expect(
      await grpcB.call<AdmitJobResponse>('admitJob', admit(small, { maxDurationS: 31 * 86_400 }), s2.token),
    ).toMatchObject({
      rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_DURATION_EXCEEDED,
    });
  });

  it('should dead-letter events of a tenant it has never heard of, with the reason', async () => {
    const stranger = randomUUID();
    const event = executionEvent({ tenantId: stranger });
    await a.app.get(JetStreamPublisher).publish(ExecutionEventMessage, SUBJECTS.executionEvents, event);
    const ns = new Namespace(a.namespace);
    const nc = await connect({ servers: natsUrl() });
    try {
      const jsm = await jetstreamManager(nc);
      const reason = await eventually(async () => {
        const info = await jsm.streams.info(ns.stream(STREAMS.dlq.name));
        for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
          const m = await jsm.streams.getMessage(ns.stream(STREAMS.dlq.name), { seq });
          if (m?.header.get('Mp-Dlq-Msg-Id') === event.eventId) return m.header.get('Mp-Dlq-Reason');
        }
        return undefined;
      });
      expect(reason).toBe(`unknown tenant ${stranger}: no TenantEvent announced it`);
    } finally {
      await nc.close();
    }
  });
});
