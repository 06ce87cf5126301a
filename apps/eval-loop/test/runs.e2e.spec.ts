// Triggers and the run lifecycle (real PostgreSQL and NATS, two replicas on one database and
// namespace): every N terminal executions (each event id counted once), the cron schedule (one replica
// handles a fire), runs of a tenant never overlapping, failed attempts retried and a run failing for
// good reported (run row, metric, Alert on mp.alerts, resolved by the next success), a run whose
// replica died recovered.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BootedService } from '@auraison/app-testing';
import { AlertState, ExecutionEventMessage, ExecutionStatus, SUBJECTS } from '@auraison/contracts';
import { JetStreamPublisher } from '@auraison/messaging';
import { executionEvent } from '@auraison/testing';
import { DataSource } from 'typeorm';
import { EvaluationScheduler } from '../src/schedule/application/evaluation-scheduler.service.js';
import { TriggerRepository } from '../src/schedule/persistence/trigger.repository.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { jobs } from './support/jobs.js';

type Run = Record<string, unknown> & { id: string; status: string };

describe('evaluation triggers and runs (real PostgreSQL and NATS, two replicas)', () => {
  let h: Harness;
  let replica: BootedService;
  let publisher: JetStreamPublisher;

  const runs = async (tenantId: string, query = ''): Promise<Run[]> => {
    const res = await h.service.http.get(`/api/v1/eval/runs${query}`).set(await h.auth(tenantId, 'viewer'));
    expect(res.status).toBe(200);
    return res.body.items as Run[];
  };

  const terminal = (tenantId: string, status = ExecutionStatus.EXECUTION_STATUS_SUCCEEDED) =>
    executionEvent({ tenantId, status, eventId: `ray-${randomUUID()}:DONE:1` });

  beforeAll(async () => {
    h = await startHarness({
      env: { EVAL_EVERY_N_EXECUTIONS: '5', EVAL_RUN_MAX_ATTEMPTS: '3', EVAL_SCHEDULE: '@hourly' },
    });
    publisher = h.service.app.get(JetStreamPublisher);
    replica = await h.replica();
  });

  afterAll(async () => {
    await h?.close();
  });

  describe('every N terminal executions', () => {
    it('should queue one run at the Nth distinct terminal execution, not counting duplicates or non-terminal events', async () => {
      const tenant = await h.tenant();
      const triggers = h.service.app.get(TriggerRepository);
      const first = terminal(tenant);
      for (const e of [
        first,
        terminal(tenant),
        terminal(tenant, ExecutionStatus.EXECUTION_STATUS_FAILED),
        terminal(tenant, ExecutionStatus.EXECUTION_STATUS_STOPPED),
      ])
        await publisher.publish(ExecutionEventMessage, SUBJECTS.executionEvents, e);
      // The same event again under another Nats-Msg-Id (past JetStream's duplicate window), and a running one.
      await publisher.publishRaw(
        SUBJECTS.executionEvents,
        ExecutionEventMessage.encode(first),
        {},
        { msgId: randomUUID() },
      );
      await publisher.publish(
        ExecutionEventMessage,
        SUBJECTS.executionEvents,
        executionEvent({ tenantId: tenant, status: ExecutionStatus.EXECUTION_STATUS_RUNNING }),
      );
      await eventually('4 counted', async () =>
        (await triggers.pendingExecutions(tenant)) === 4 ? true : undefined,
      );
      // Give the duplicate and the running event time to be (not) counted: the count must stay at 4.
      await eventually('all consumed', async () => {
        const rows = await h.service.app
          .get(DataSource)
          .query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM eval_loop.inbox`);
        return rows[0]!.n >= 4 ? true : undefined;
      });
      expect(await runs(tenant)).toEqual([]);
      await publisher.publish(ExecutionEventMessage, SUBJECTS.executionEvents, terminal(tenant));
      const [run] = await eventually('a run queued', async () => {
        const list = await runs(tenant, '?trigger=execution_count');
        return list.length ? list : undefined;
      });
      expect(run!.trigger).toBe('execution_count');
      expect(await triggers.pendingExecutions(tenant)).toBe(0);
      await h.waitRun(tenant, run!.id);
      expect(await runs(tenant)).toHaveLength(1);
    });

    it('should dead-letter the terminal execution of an unknown tenant with the reason', async () => {
      const sub = h.nc.subscribe(`${h.service.namespace}.mp.dlq.>`);
      const letters: Array<{ msgId?: string; reason?: string }> = [];
      void (async () => {
        for await (const m of sub)
          letters.push({ msgId: m.headers?.get('Mp-Dlq-Msg-Id'), reason: m.headers?.get('Mp-Dlq-Reason') });
      })();
      await h.nc.flush();
      const stranger = randomUUID();
      const event = terminal(stranger);
      await publisher.publish(ExecutionEventMessage, SUBJECTS.executionEvents, event);
      const reason = await eventually(
        'dead letter',
        () => letters.find((l) => l.msgId === event.eventId)?.reason,
      );
      await sub.drain();
      expect(reason).toBe(`unknown tenant ${stranger}`);
    });
  });

  describe('the cron schedule', () => {
    it('should queue a run per active tenant for a fire, once across replicas, over the window ending at it', async () => {
      const active = await h.tenant();
      const suspended = await h.tenant({ status: 'suspended' });
      const scheduler = h.service.app.get(EvaluationScheduler);
      const fire = scheduler.nextFire(new Date());
      const first = await scheduler.tick(new Date(fire.getTime() + 1000));
      const second = await replica.app.get(EvaluationScheduler).tick(new Date(fire.getTime() + 1000));
      expect(first.fireTime).toEqual(fire);
      expect(first.queued).toBeGreaterThanOrEqual(1);
      expect(second).toEqual({ fireTime: fire, queued: 0 });
      const [run] = await eventually('scheduled run', async () => {
        const list = await runs(active, '?trigger=schedule');
        return list.length ? list : undefined;
      });
      expect(run).toMatchObject({
        scheduled_for: fire.toISOString(),
        window_end: fire.toISOString(),
        window_start: new Date(fire.getTime() - 24 * 3_600_000).toISOString(),
      });
      expect(await runs(suspended, '?trigger=schedule')).toEqual([]);
    });
  });

  describe('the run lifecycle', () => {
    it('should never overlap two runs of a tenant, whichever replica takes them', async () => {
      const tenant = await h.tenant();
      h.stub.addExecutions(jobs({ tenantId: tenant, count: 3 }).executions);
      h.stub.eventsDelayMs = 700;
      try {
        const admin = await h.auth(tenant, 'tenant_admin');
        const a = await h.service.http.post('/api/v1/eval/runs').set(admin).send({});
        await eventually('first running', async () => {
          const r = (await h.service.http.get(`/api/v1/eval/runs/${a.body.id}`).set(admin)).body as Run;
          return r.status === 'running' ? r : undefined;
        });
        const b = await replica.http.post('/api/v1/eval/runs').set(admin).send({});
        expect(b.status).toBe(202);
        expect(b.body.id).not.toBe(a.body.id);
        const first = await h.waitRun(tenant, a.body.id as string);
        const second = await h.waitRun(tenant, b.body.id as string);
        expect(Date.parse(second.started_at as string)).toBeGreaterThanOrEqual(
          Date.parse(first.finished_at as string),
        );
        // No W&B in this deployment: runs finish degraded, with the reason.
        expect([first.status, second.status]).toEqual(['degraded', 'degraded']);
        expect(first.degraded_reason).toBe(
          'W&B metrics unavailable: W&B is not configured (set WANDB_ENTITY, WANDB_PROJECT and WANDB_API_KEY)',
        );
      } finally {
        h.stub.eventsDelayMs = 0;
      }
    });

    it('should join a trigger to the run already waiting instead of queueing another', async () => {
      const tenant = await h.tenant();
      h.stub.eventsDelayMs = 500;
      try {
        const admin = await h.auth(tenant, 'tenant_admin');
        const running = await h.service.http.post('/api/v1/eval/runs').set(admin).send({});
        await eventually('running', async () => {
          const r = (await h.service.http.get(`/api/v1/eval/runs/${running.body.id}`).set(admin)).body as Run;
          return r.status === 'running' ? r : undefined;
        });
        const queued = await h.service.http.post('/api/v1/eval/runs').set(admin).send({});
        const joined = await h.service.http.post('/api/v1/eval/runs').set(admin).send({});
        expect(joined.body.id).toBe(queued.body.id);
        const backfill = await h.service.http
          .post('/api/v1/eval/runs')
          .set(admin)
          .send({ window_end: new Date(Date.now() - 3_600_000).toISOString() });
        expect(backfill.status).toBe(409);
        expect(backfill.body.field).toBe('window_end');
        await h.waitRun(tenant, queued.body.id as string);
      } finally {
        h.stub.eventsDelayMs = 0;
      }
    });

    it('should retry a failed attempt with backoff and keep the error until it succeeds', async () => {
      const tenant = await h.tenant();
      h.stub.eventFailures.push(400);
      const run = await h.runNow(tenant);
      expect(run).toMatchObject({ status: 'degraded', attempt: 2, error: null });
    });

    it('should fail a run after its last attempt and report it: row, metric and an Alert resolved by the next success', async () => {
      const tenant = await h.tenant();
      h.stub.eventsDown = 400;
      let failed: Record<string, unknown>;
      try {
        failed = await h.runNow(tenant);
      } finally {
        h.stub.eventsDown = undefined;
      }
      expect(failed).toMatchObject({ status: 'failed', attempt: 3 });
      expect(failed.error).toMatch(
        /^observability-store GET \/api\/v1\/events answered HTTP 400: store unavailable$/,
      );
      const firing = await eventually('failure alert', () =>
        h.alerts.messages.find((a) => a.tenantId === tenant && a.state === AlertState.ALERT_STATE_FIRING),
      );
      expect(firing).toMatchObject({
        ruleId: 'eval-loop:run-failed',
        source: 'eval-loop',
        eventId: `eval-loop:run-failed:${String(failed.id)}`,
      });
      // Either replica may have run the attempts: add their counters up.
      const count = async (result: string): Promise<number> => {
        let total = 0;
        for (const svc of [h.service, replica]) {
          const text = (await svc.http.get('/metrics')).text;
          for (const m of text.matchAll(
            new RegExp(`^eval_loop_runs_total\\{[^}]*result="${result}"[^}]*\\} (\\d+)$`, 'gm'),
          ))
            total += Number(m[1]);
        }
        return total;
      };
      expect(await count('failed')).toBe(1);
      expect(await count('retried')).toBeGreaterThanOrEqual(3);

      const recovered = await h.runNow(tenant);
      expect(recovered.status).toBe('degraded');
      const resolved = await eventually('resolved alert', () =>
        h.alerts.messages.find((a) => a.tenantId === tenant && a.state === AlertState.ALERT_STATE_RESOLVED),
      );
      expect(resolved.alertId).toBe(firing.alertId);
    });

    it('should announce a crossing once however many replicas evaluate the tenant', async () => {
      const tenant = await h.tenant();
      const admin = await h.auth(tenant, 'tenant_admin');
      const rule = await h.service.http.post('/api/v1/eval/alert-rules').set(admin).send({
        name: 'failing',
        metric: 'failure_rate',
        direction: 'above',
        threshold: 0.2,
        min_sample_size: 10,
      });
      h.stub.addExecutions(jobs({ tenantId: tenant, count: 20, failed: 10 }).executions);
      for (const svc of [h.service, replica, h.service, replica]) {
        const res = await svc.http.post('/api/v1/eval/runs').set(admin).send({});
        await h.waitRun(tenant, res.body.id as string);
      }
      const fired = h.alerts.messages.filter((a) => a.ruleId === rule.body.id);
      expect(fired.map((a) => a.state)).toEqual([AlertState.ALERT_STATE_FIRING]);
      const firing = await h.service.http.get('/api/v1/eval/alerts').set(admin);
      expect(firing.body.items).toHaveLength(1);
    });

    it('should recover a run whose replica died while running it', async () => {
      const tenant = await h.tenant();
      const db = h.service.app.get(DataSource);
      const id = randomUUID();
      await db.query(
        `INSERT INTO eval_loop.runs (id, tenant_id, trigger, status, window_hours, attempt, started_at)
         VALUES ($1, $2, 'manual', 'running', 24, 1, now() - interval '1 minute')`,
        [id, tenant],
      );
      // A replica starting now looks for orphans first: nobody holds the tenant's lock.
      const fresh = await h.replica();
      expect(fresh).toBeDefined();
      const run = await h.waitRun(tenant, id);
      expect(run).toMatchObject({ status: 'degraded', attempt: 2 });
    });
  });
});
