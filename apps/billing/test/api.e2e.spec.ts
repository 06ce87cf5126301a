// The billing HTTP API end to end (real PostgreSQL and NATS): price book with history, a tenant's usage
// with breakdowns, a job's cost, statements (JSON and CSV), re-pricing with adjustments, budgets and
// their alerts on mp.alerts, and tenant isolation.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AlertSeverity, Environment, ExecutionStatus } from '@auraison/contracts';
import { agentEvent, executionEvent } from '@auraison/testing';
import {
  addTenant,
  alerts,
  auth,
  bootBilling,
  eventually,
  publishAgent,
  publishExecution,
  waitForLines,
  type Billing,
} from './support/harness.js';

class LogCapture extends Writable {
  private readonly chunks: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  text(): string {
    return this.chunks.join('');
  }
}

type Headers = { Authorization: string };

interface Version {
  key: string;
  reason: string;
  created_by: string;
  input?: string;
}

/** A list in a JSON response body, typed for the test. */
const list = <T>(value: unknown): T[] => value as T[];

const OCT = (day: number, hour = 12): Date => new Date(Date.UTC(2026, 9, day, hour));

describe('billing API (real PostgreSQL and NATS)', () => {
  const logs = new LogCapture();
  let b: Billing;
  let platform: Headers;
  let platformSubject: string;
  const http = () => b.service.http;

  const putModel = async (model: string, input: string, effectiveFrom: string, reason = 'test') =>
    http().put(`/api/v1/billing/prices/models/${model}`).set(platform).send({
      input,
      output: '2.00',
      cache_read: '0.10',
      cache_write: '1.25',
      effective_from: effectiveFrom,
      reason,
    });

  beforeAll(async () => {
    b = await bootBilling({ LOG_LEVEL: 'debug' }, logs);
    platformSubject = randomUUID();
    platform = await auth(b, randomUUID(), 'platform_admin', platformSubject);
  });

  afterAll(async () => {
    await b?.close();
  });

  describe('price book', () => {
    it('should show the seed rates in force when any role that reads billing asks', async () => {
      const tenantId = await addTenant(b);
      const res = await http()
        .get('/api/v1/billing/prices')
        .set(await auth(b, tenantId, 'viewer'));
      expect(res.status).toBe(200);
      const sonnet = list<Version>(res.body.in_force).find((r) => r.key === 'claude-sonnet-4-5');
      expect(sonnet).toMatchObject({
        kind: 'model',
        input: '3.000000',
        output: '15.000000',
        cache_read: '0.300000',
        cache_write: '3.750000',
        created_by: 'seed',
      });
      const gpu = list<Version>(res.body.in_force).find((r) => r.key === 'torch.dev.gpu');
      expect(gpu).toMatchObject({ kind: 'gpu', per_gpu_hour: '2.500000' });
    });

    it('should warn at start-up when the GPU rates in force are the seed placeholders', () => {
      expect(logs.text()).toMatch(/GPU rates in force are the seed placeholders/);
      expect(logs.text()).toContain('torch.dev.gpu');
    });

    it('should refuse a price change when the caller is not a platform admin', async () => {
      const tenantId = await addTenant(b);
      for (const role of ['tenant_admin', 'operator', 'member', 'viewer', 'service'] as const) {
        const res = await http()
          .put('/api/v1/billing/prices/models/claude-sonnet-4-5')
          .set(await auth(b, tenantId, role))
          .send({ input: '0.01', output: '0.01', cache_read: '0', cache_write: '0', reason: 'cheaper' });
        expect([role, res.status]).toEqual([role, 403]);
      }
    });

    it('should name the field when a rate change is malformed', async () => {
      const cases: Array<[object, RegExp]> = [
        [
          { input: '3.1234567', output: '1', cache_read: '1', cache_write: '1', reason: 'x' },
          /input must be a decimal/,
        ],
        [
          { input: '-1', output: '1', cache_read: '1', cache_write: '1', reason: 'x' },
          /input must be a decimal/,
        ],
        [
          { input: 3, output: '1', cache_read: '1', cache_write: '1', reason: 'x' },
          /input must be a decimal/,
        ],
        [{ input: '1', output: '1', cache_read: '1', cache_write: '1' }, /reason/],
        [
          {
            input: '1',
            output: '1',
            cache_read: '1',
            cache_write: '1',
            reason: 'x',
            effective_from: '2026-12-01T00:00:00',
          },
          /effective_from must be a date-time with a time zone/,
        ],
        [
          { input: '1', output: '1', cache_read: '1', cache_write: '1', reason: 'x', version: 1 },
          /property version should not exist/,
        ],
      ];
      for (const [body, message] of cases) {
        const res = await http().put('/api/v1/billing/prices/models/some-model').set(platform).send(body);
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.message)).toMatch(message);
      }
      const env = await http()
        .put('/api/v1/billing/prices/gpus/cuda.prod.gpu')
        .set(platform)
        .send({ per_gpu_hour: '1', reason: 'x' });
      expect(env.status).toBe(400);
      expect(JSON.stringify(env.body.message)).toMatch(
        /environment must be one of torch.dev.gpu, ros.dev.gpu/,
      );
    });

    it('should keep a version with author and reason when a rate is set or withdrawn', async () => {
      const model = `hist-${randomUUID().slice(0, 8)}`;
      const first = await putModel(model, '1.00', '2026-01-01T00:00:00Z', 'launch price');
      const second = await putModel(model, '0.50', '2026-06-01T00:00:00Z', 'price cut');
      const scheduled = await putModel(model, '0.25', '2099-01-01T00:00:00Z', 'planned');
      expect([first.status, second.status, scheduled.status]).toEqual([200, 200, 200]);
      const withdrawn = await http()
        .delete(`/api/v1/billing/prices/models/${model}`)
        .query({ effective_from: '2099-01-01T00:00:00Z', reason: 'plan dropped' })
        .set(platform);
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body).toMatchObject({ withdrawn: true, created_by: platformSubject });
      const missing = await http()
        .delete(`/api/v1/billing/prices/models/${model}`)
        .query({ effective_from: '2030-01-01T00:00:00Z', reason: 'nothing there' })
        .set(platform);
      expect(missing.status).toBe(404);

      const history = await http()
        .get('/api/v1/billing/prices/history')
        .query({ key: model, limit: 2 })
        .set(platform);
      expect(list<Version>(history.body.items).map((v) => v.reason)).toEqual(['plan dropped', 'planned']);
      const rest = await http()
        .get('/api/v1/billing/prices/history')
        .query({ key: model, before: history.body.next_before })
        .set(platform);
      expect(list<Version>(rest.body.items).map((v) => v.reason)).toEqual(['price cut', 'launch price']);
      expect(list<Version>(rest.body.items).every((v) => v.created_by === platformSubject)).toBe(true);

      const march = await http()
        .get('/api/v1/billing/prices')
        .query({ at: '2026-03-01T00:00:00Z' })
        .set(platform);
      expect(list<Version>(march.body.in_force).find((r) => r.key === model)).toMatchObject({
        input: '1.000000',
      });
      const now = await http().get('/api/v1/billing/prices').set(platform);
      expect(list<Version>(now.body.in_force).find((r) => r.key === model)).toMatchObject({
        input: '0.500000',
      });
      expect(list<Version>(now.body.upcoming).find((r) => r.key === model)).toBeUndefined();
    });
  });

  describe("a tenant's usage, jobs and statements", () => {
    let tenantId: string;
    let member: Headers;
    const model = `acct-${randomUUID().slice(0, 8)}`;
    const userA = randomUUID();
    const userB = randomUUID();
    const job1 = `job-${randomUUID().slice(0, 8)}`;
    const job2 = `job-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      tenantId = await addTenant(b);
      member = await auth(b, tenantId, 'member');
      expect((await putModel(model, '1.00', '2026-01-01T00:00:00Z')).status).toBe(200);
      // job1: two agent runs (notebook, cluster) and a GPU run; job2: one agent run of another user.
      await publishAgent(
        b,
        agentEvent({
          tenantId,
          jobId: job1,
          userId: userA,
          agentRole: 'notebook',
          model,
          timestamp: OCT(3),
          tokensIn: 1_000_000,
          tokensOut: 500_000,
        }),
      );
      await publishAgent(
        b,
        agentEvent({
          tenantId,
          jobId: job1,
          userId: userA,
          agentRole: 'cluster',
          model,
          timestamp: OCT(4),
          tokensIn: 2_000_000,
          tokensOut: 0,
        }),
      );
      await publishExecution(
        b,
        executionEvent({
          tenantId,
          jobId: job1,
          userId: userA,
          agentRole: 'cluster',
          timestamp: OCT(5),
          gpuSeconds: 7200,
          environment: Environment.ENVIRONMENT_ROS_DEV_GPU,
        }),
      );
      await publishAgent(
        b,
        agentEvent({
          tenantId,
          jobId: job2,
          userId: userB,
          agentRole: 'notebook',
          model,
          timestamp: OCT(20),
          tokensIn: 500_000,
          tokensOut: 0,
        }),
      );
      await waitForLines(b, 4, 'tenant_id = $1', [tenantId]);
    });

    it("should break a period's totals down by job, user, agent role, model and environment when asked for usage", async () => {
      const res = await http().get('/api/v1/billing/usage').query({ period: '2026-10' }).set(member);
      expect(res.status).toBe(200);
      // Tokens: 3.5 M input x 1 USD + 0.5 M output x 2 USD = 4.50; GPU: 2 h x 2.50 = 5.00.
      expect(res.body).toMatchObject({
        tenant_id: tenantId,
        currency: 'USD',
        period: {
          label: '2026-10',
          start: '2026-10-01T00:00:00.000Z',
          end: '2026-11-01T00:00:00.000Z',
          closed: true,
        },
        total: {
          events: 4,
          input_tokens: 3_500_000,
          output_tokens: 500_000,
          gpu_seconds: '7200.000',
          token_cost: '4.500000',
          gpu_cost: '5.000000',
          cost: '9.500000',
        },
      });
      const byKey = (d: string): Record<string, string> => {
        const items = list<{ key: string | null; cost: string }>(res.body.breakdowns[d].items);
        return Object.fromEntries(items.map((item): [string, string] => [String(item.key), item.cost]));
      };
      expect(byKey('job')).toEqual({ [job1]: '9.000000', [job2]: '0.500000' });
      expect(byKey('user')).toEqual({ [userA]: '9.000000', [userB]: '0.500000' });
      expect(byKey('agent_role')).toEqual({ cluster: '7.000000', notebook: '2.500000' });
      expect(byKey('model')).toEqual({ [model]: '4.500000', null: '5.000000' });
      expect(byKey('environment')).toEqual({ 'ros.dev.gpu': '5.000000', null: '4.500000' });
      const limited = await http()
        .get('/api/v1/billing/usage')
        .query({ period: '2026-10-31', breakdown_limit: 1 })
        .set(member);
      expect(limited.body.breakdowns.job).toEqual({
        items: [expect.objectContaining({ key: job1 })],
        total_count: 2,
      });
      const empty = await http().get('/api/v1/billing/usage').query({ period: '2026-08' }).set(member);
      expect(empty.body.total).toMatchObject({ events: 0, cost: '0.000000' });
    });

    it('should show the token and GPU lines with the rate applied to each when asked for a job', async () => {
      const res = await http().get(`/api/v1/billing/jobs/${job1}`).set(member);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        job_id: job1,
        token_cost: '4.000000',
        gpu_cost: '5.000000',
        cost: '9.000000',
        unpriced_lines: 0,
      });
      expect(
        list<Record<string, string>>(res.body.lines).map((l) => [
          l.unit,
          l.quantity,
          l.rate,
          l.rate_unit,
          l.cost,
          l.period,
        ]),
      ).toEqual([
        ['input_tokens', '1000000', '1.000000', 'USD per million tokens', '1.000000', '2026-10'],
        ['output_tokens', '500000', '2.000000', 'USD per million tokens', '1.000000', '2026-10'],
        ['input_tokens', '2000000', '1.000000', 'USD per million tokens', '2.000000', '2026-10'],
        ['gpu_seconds', '7200.000', '2.500000', 'USD per GPU-hour', '5.000000', '2026-10'],
      ]);
      expect((await http().get('/api/v1/billing/jobs/no-such-job').set(member)).status).toBe(404);
    });

    it('should serve a statement as JSON and as CSV when the period is closed, and 409 when it is open', async () => {
      const json = await http().get('/api/v1/billing/statements').query({ period: '2026-10' }).set(member);
      expect(json.status).toBe(200);
      expect(json.body).toMatchObject({
        usage_subtotal: '9.500000',
        adjustments_total: '0.000000',
        total: '9.500000',
        events: 4,
        unpriced: [],
      });
      expect(json.body.lines).toEqual([
        { item: model, unit: 'input_tokens', quantity: '3500000', amount: '3.500000' },
        { item: model, unit: 'output_tokens', quantity: '500000', amount: '1.000000' },
        { item: 'ros.dev.gpu', unit: 'gpu_seconds', quantity: '7200.000', amount: '5.000000' },
      ]);
      const csv = await http()
        .get('/api/v1/billing/statements')
        .query({ period: '2026-10' })
        .set(member)
        .set('Accept', 'text/csv');
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const rows = csv.text.trimEnd().split('\r\n');
      expect(rows[0]).toBe(
        'tenant_id,tenant_slug,period,period_start,period_end,section,item,unit,quantity,amount_usd',
      );
      expect(rows).toContain(
        `${tenantId},t-${tenantId.slice(0, 8)},2026-10,2026-10-01T00:00:00.000Z,2026-11-01T00:00:00.000Z,usage,ros.dev.gpu,gpu_seconds,7200.000,5.000000`,
      );
      expect(rows.at(-1)).toMatch(/,total,,,,9\.500000$/);
      const viaQuery = await http()
        .get('/api/v1/billing/statements')
        .query({ period: '2026-10', format: 'csv' })
        .set(member);
      expect(viaQuery.text).toBe(csv.text);
      const open = await http()
        .get('/api/v1/billing/statements')
        .query({ period: new Date().toISOString().slice(0, 7) })
        .set(member);
      expect(open.status).toBe(409);
      expect(open.body.field).toBe('period');
      const bad = await http().get('/api/v1/billing/statements').query({ period: '2026-13' }).set(member);
      expect([bad.status, bad.body.field]).toEqual([400, 'period']);
    });

    it('should write adjustment lines and an audit record, never rewriting lines, when a closed period is re-priced', async () => {
      const before = await b.db.query(
        `SELECT event_id, cost, rate_version FROM billing.usage_lines WHERE tenant_id = $1 ORDER BY 1`,
        [tenantId],
      );
      // A correction backdated to the period: input now 0.80 USD per million.
      const correction = await putModel(model, '0.80', '2026-10-01T00:00:00Z', 'contract rate');
      expect(correction.status).toBe(200);
      const denied = await http()
        .post('/api/v1/billing/reprices')
        .set(await auth(b, tenantId, 'tenant_admin'))
        .send({ tenant_id: tenantId, period: '2026-10', reason: 'cheaper please' });
      expect(denied.status).toBe(403);

      const run = await http()
        .post('/api/v1/billing/reprices')
        .set(platform)
        .send({ tenant_id: tenantId, period: '2026-10', reason: 'contract rate' });
      expect(run.status).toBe(201);
      // 3.5 M input tokens x -0.20 USD = -0.70 USD over three lines; the GPU line is unchanged.
      expect(run.body).toMatchObject({
        tenant_id: tenantId,
        period: '2026-10',
        price_book_version: correction.body.version,
        requested_by: platformSubject,
        reason: 'contract rate',
        lines_examined: 4,
        lines_adjusted: 3,
        delta: '-0.700000',
      });
      const after = await b.db.query(
        `SELECT event_id, cost, rate_version FROM billing.usage_lines WHERE tenant_id = $1 ORDER BY 1`,
        [tenantId],
      );
      expect(after).toEqual(before);

      const statement = await http()
        .get('/api/v1/billing/statements')
        .query({ period: '2026-10' })
        .set(member);
      expect(statement.body).toMatchObject({
        usage_subtotal: '9.500000',
        adjustments_total: '-0.700000',
        total: '8.800000',
      });
      expect(statement.body.adjustments).toEqual([
        expect.objectContaining({ reprice_id: run.body.id, reason: 'contract rate', amount: '-0.700000' }),
      ]);
      const job = await http().get(`/api/v1/billing/jobs/${job1}`).set(member);
      expect(job.body).toMatchObject({ adjustments: '-0.600000', cost: '8.400000' });
      const usage = await http().get('/api/v1/billing/usage').query({ period: '2026-10' }).set(member);
      expect(usage.body.total).toMatchObject({ adjustments: '-0.700000', cost: '8.800000' });

      // Again with the same book: nothing left to adjust.
      const again = await http()
        .post('/api/v1/billing/reprices')
        .set(platform)
        .send({ tenant_id: tenantId, period: '2026-10', reason: 'check' });
      expect(again.body).toMatchObject({ lines_adjusted: 0, delta: '0.000000' });
      const runs = await http().get('/api/v1/billing/reprices').query({ period: '2026-10' }).set(member);
      expect(list<{ id: number }>(runs.body).map((r) => r.id)).toEqual([again.body.id, run.body.id]);
    });

    it('should refuse in the database when anyone rewrites or deletes billing history', async () => {
      await expect(
        b.db.query(
          `UPDATE billing.usage_lines SET cost = 0, input_cost = 0, output_cost = 0 WHERE tenant_id = $1`,
          [tenantId],
        ),
      ).rejects.toThrow(/is priced and never changes/);
      await expect(
        b.db.query(`DELETE FROM billing.usage_lines WHERE tenant_id = $1`, [tenantId]),
      ).rejects.toThrow(/append-only/);
      await expect(b.db.query(`UPDATE billing.price_book SET reason = 'oops'`)).rejects.toThrow(
        /append-only/,
      );
      await expect(b.db.query(`DELETE FROM billing.usage_adjustments`)).rejects.toThrow(/append-only/);
      await expect(b.db.query(`TRUNCATE billing.reprice_runs CASCADE`)).rejects.toThrow(/append-only/);
    });
  });

  describe('budgets', () => {
    it('should publish one alert each when spend crosses 50, 80 and 100 percent of the budget in a period', async () => {
      const tenantId = await addTenant(b, { slug: `budget-${randomUUID().slice(0, 6)}` });
      const model = `budget-${randomUUID().slice(0, 8)}`;
      expect((await putModel(model, '1.00', '2026-01-01T00:00:00Z')).status).toBe(200);
      const set = await http()
        .put(`/api/v1/billing/budgets/${tenantId}`)
        .set(platform)
        .send({ amount: '10.00', reason: 'pilot cap' });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ amount: '10.000000', spend: '0.000000', alerts: [] });
      expect(
        (
          await http()
            .put(`/api/v1/billing/budgets/${tenantId}`)
            .set(await auth(b, tenantId, 'tenant_admin'))
            .send({ amount: '99', reason: 'x' })
        ).status,
      ).toBe(403);

      // USD 4, then 2 (60%: 50 crossed), 3 (90%: 80), 2 (110%: 100), 5 more and a duplicate: no new alert.
      const spend = async (usd: number) => {
        const e = agentEvent({
          tenantId,
          model,
          timestamp: new Date(),
          tokensIn: usd * 1_000_000,
          tokensOut: 0,
        });
        await publishAgent(b, e);
        return e;
      };
      const dollars = [4, 2, 3, 2, 5];
      const sent = [];
      for (const [i, usd] of dollars.entries()) {
        sent.push(await spend(usd));
        await waitForLines(b, i + 1, 'tenant_id = $1', [tenantId]);
      }
      await publishAgent(b, sent[4]!, `${sent[4]!.eventId}#again`);
      interface BudgetView {
        spend: string;
        period_start: string;
        alerts: Array<{ threshold: number; spend: string; published_at: string | null }>;
      }
      const view = await eventually(async () => {
        const res = await http()
          .get(`/api/v1/billing/budgets/${tenantId}`)
          .set(await auth(b, tenantId, 'viewer'));
        const body = res.body as BudgetView;
        return body.alerts?.length === 3 && body.alerts.every((a) => a.published_at) ? body : undefined;
      });
      expect(view).toMatchObject({ spend: '16.000000', percent_used: 160 });
      expect(view.alerts.map((a) => [a.threshold, a.spend])).toEqual([
        [50, '6.000000'],
        [80, '9.000000'],
        [100, '11.000000'],
      ]);
      const published = (await alerts(b)).filter((a) => a.tenantId === tenantId);
      expect(published.map((a) => [a.threshold, a.severity, a.source])).toEqual([
        [50, AlertSeverity.ALERT_SEVERITY_INFO, 'billing'],
        [80, AlertSeverity.ALERT_SEVERITY_WARNING, 'billing'],
        [100, AlertSeverity.ALERT_SEVERITY_CRITICAL, 'billing'],
      ]);
      const period = view.period_start.slice(0, 10);
      expect(published.map((a) => a.eventId)).toEqual([50, 80, 100].map((t) => `${tenantId}:${period}:${t}`));
      const metrics = await http().get('/metrics');
      expect(metrics.text).toMatch(/billing_alerts_sent_total\{threshold="100",service="billing"\} 1/);
    });

    it('should alert at once when a budget is set below what the period already cost', async () => {
      const tenantId = await addTenant(b);
      await publishExecution(
        b,
        executionEvent({
          tenantId,
          timestamp: new Date(),
          gpuSeconds: 3600,
          status: ExecutionStatus.EXECUTION_STATUS_FAILED,
        }),
      );
      await waitForLines(b, 1, 'tenant_id = $1', [tenantId]);
      const set = await http()
        .put(`/api/v1/billing/budgets/${tenantId}`)
        .set(platform)
        .send({ amount: '3', reason: 'tight' });
      expect(list<{ threshold: number }>(set.body.alerts).map((a) => a.threshold)).toEqual([50, 80]);
      await eventually(async () =>
        (await alerts(b)).filter((a) => a.tenantId === tenantId).length === 2 ? true : undefined,
      );
      expect((await http().delete(`/api/v1/billing/budgets/${tenantId}`).set(platform)).status).toBe(204);
      expect((await http().get(`/api/v1/billing/budgets/${tenantId}`).set(platform)).status).toBe(404);
    });
  });

  describe('tenant isolation', () => {
    let a: string;
    let bTenant: string;
    let bJob: string;

    beforeAll(async () => {
      a = await addTenant(b);
      bTenant = await addTenant(b, { slug: 'secret-tenant-b' });
      bJob = `job-secret-${randomUUID().slice(0, 8)}`;
      await publishAgent(
        b,
        agentEvent({ tenantId: bTenant, jobId: bJob, timestamp: OCT(9), model: 'secret-model-b' }),
      );
      await waitForLines(b, 1, 'tenant_id = $1', [bTenant]);
      await http()
        .put(`/api/v1/billing/budgets/${bTenant}`)
        .set(platform)
        .send({ amount: '100', reason: 'b' });
    });

    const ROUTES: Array<[string, (t: string) => string]> = [
      ['usage', (t) => `/api/v1/billing/usage?tenant_id=${t}`],
      ['usage of a closed period', (t) => `/api/v1/billing/usage?tenant_id=${t}&period=2026-10`],
      ['job', (t) => `/api/v1/billing/jobs/${bJob}?tenant_id=${t}`],
      ['unpriced usage', (t) => `/api/v1/billing/unpriced?tenant_id=${t}`],
      ['statement', (t) => `/api/v1/billing/statements?tenant_id=${t}&period=2026-10`],
      ['statement as CSV', (t) => `/api/v1/billing/statements?tenant_id=${t}&period=2026-10&format=csv`],
      ['re-pricing runs', (t) => `/api/v1/billing/reprices?tenant_id=${t}`],
      ['budget', (t) => `/api/v1/billing/budgets/${t}`],
    ];

    it.each(ROUTES)(
      "should answer 404 like for a tenant that does not exist when tenant A asks for tenant B's %s",
      async (_name, path) => {
        for (const role of ['tenant_admin', 'viewer'] as const) {
          const caller = await auth(b, a, role);
          const theirs = await http().get(path(bTenant)).set(caller);
          const nobody = await http().get(path(randomUUID())).set(caller);
          expect([role, theirs.status]).toEqual([role, 404]);
          expect(theirs.body).toEqual(nobody.body);
          expect(theirs.text).not.toMatch(/secret|budget/);
        }
      },
    );

    it("should answer 404 when a tenant asks for another tenant's job id as its own", async () => {
      const res = await http()
        .get(`/api/v1/billing/jobs/${bJob}`)
        .set(await auth(b, a, 'tenant_admin'));
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('secret-model-b');
    });

    it("should let a platform admin read any tenant, a service account its own, and refuse nobody's token", async () => {
      expect(
        (await http().get(`/api/v1/billing/usage?tenant_id=${bTenant}&period=2026-10`).set(platform)).body
          .total.events,
      ).toBe(1);
      expect(
        (
          await http()
            .get(`/api/v1/billing/usage?tenant_id=${bTenant}&period=2026-10`)
            .set(await auth(b, bTenant, 'service'))
        ).body.total.events,
      ).toBe(1);
      expect((await http().get('/api/v1/billing/usage')).status).toBe(401);
    });

    it('should never log an access token when serving requests', () => {
      expect(logs.text()).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    });
  });

  it('should document every billing route when serving the OpenAPI document', async () => {
    const doc = await http().get('/api/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths as object).sort()).toEqual(
      expect.arrayContaining([
        '/api/v1/billing/budgets/{tenant_id}',
        '/api/v1/billing/jobs/{job_id}',
        '/api/v1/billing/prices',
        '/api/v1/billing/prices/gpus/{environment}',
        '/api/v1/billing/prices/history',
        '/api/v1/billing/prices/models/{model}',
        '/api/v1/billing/reprices',
        '/api/v1/billing/statements',
        '/api/v1/billing/unpriced',
        '/api/v1/billing/usage',
      ]),
    );
  });
});
