// Alert rules end to end (real PostgreSQL and NATS): rules validated field by field, webhook secrets
// write-only and never logged; an alert fires once when its threshold is crossed, does not flap while
// the value wanders between the thresholds, resolves once recovered and can fire again; every
// transition goes to mp.alerts and to the rule's webhook, signed, retried after a 500; small samples
// never alarm; platform-wide rules judge each tenant apart; deleting a rule resolves its alerts.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AlertState, type Alert } from '@auraison/contracts';
import { verifyWebhook } from '../src/alerts/domain/webhook-signature.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { PLATFORM_TENANT_ID } from './support/plane-stub.js';
import { jobs } from './support/jobs.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

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

const SECRET = 'whsec_0123456789abcdef-do-not-log';
const HOOK_TOKEN = 'hook-path-token-do-not-log';

describe('alert rules and alerts (real PostgreSQL and NATS)', () => {
  const logs = new LogCapture();
  let h: Harness;
  let hook: WebhookReceiver;

  const rule = (overrides: Record<string, unknown> = {}) => ({
    name: 'notebook failure rate',
    metric: 'failure_rate',
    direction: 'above',
    threshold: 0.2,
    clear_threshold: 0.15,
    min_sample_size: 30,
    scope: { agent_role: 'notebook' },
    severity: 'critical',
    ...overrides,
  });

  const alertsOf = (ruleId: string): Alert[] => h.alerts.messages.filter((a) => a.ruleId === ruleId);

  beforeAll(async () => {
    hook = await startWebhookReceiver();
    h = await startHarness({ env: { LOG_LEVEL: 'debug' }, boot: { logDestination: logs } });
  });

  afterAll(async () => {
    await h?.close();
    await hook?.close();
  });

  describe('rules', () => {
    let tenant: string;
    let admin: { Authorization: string };

    beforeAll(async () => {
      tenant = await h.tenant();
      admin = await h.auth(tenant, 'tenant_admin');
    });

    it.each([
      [
        { threshold: 1.5, clear_threshold: 0.15 },
        'threshold',
        'threshold must be between 0 and 1 for failure_rate',
      ],
      [
        { clear_threshold: 0.3 },
        'clear_threshold',
        'clear_threshold must not be above threshold for an "above" rule',
      ],
      [{ webhook_url: 'https://hooks.example.com/x' }, 'webhook_secret', /webhook_secret is required/],
      [{ webhook_secret: SECRET }, 'webhook_secret', 'webhook_secret needs a webhook_url'],
      [{ webhook_url: 'ftp://hooks.example.com/x', webhook_secret: SECRET }, 'webhook_url', /http\(s\)/],
    ])('should refuse %j naming %s', async (overrides, field, message) => {
      const res = await h.service.http.post('/api/v1/eval/alert-rules').set(admin).send(rule(overrides));
      expect(res.status).toBe(400);
      expect(res.body.field).toBe(field);
      expect(res.body.message).toEqual(
        typeof message === 'string' ? message : expect.stringMatching(message),
      );
    });

    it('should refuse an unknown metric and unknown fields by name', async () => {
      const bad = await h.service.http
        .post('/api/v1/eval/alert-rules')
        .set(admin)
        .send(rule({ metric: 'vibes' }));
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.message)).toContain('metric must be one of');
      const smuggled = await h.service.http
        .post('/api/v1/eval/alert-rules')
        .set(admin)
        .send({ ...rule(), created_by: tenant });
      expect(smuggled.status).toBe(400);
      expect(JSON.stringify(smuggled.body.message)).toContain('property created_by should not exist');
    });

    it('should keep the webhook secret write-only and show the URL whole only to editors', async () => {
      const url = `${hook.url}/hooks/${HOOK_TOKEN}`;
      const created = await h.service.http
        .post('/api/v1/eval/alert-rules')
        .set(admin)
        .send(rule({ webhook_url: url, webhook_secret: SECRET }));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        tenant_id: tenant,
        platform: false,
        has_webhook_secret: true,
        webhook_url: url,
      });
      expect(created.text).not.toContain(SECRET);
      const asViewer = await h.service.http
        .get(`/api/v1/eval/alert-rules/${created.body.id}`)
        .set(await h.auth(tenant, 'viewer'));
      expect(asViewer.body.webhook_url).toBe(hook.url);
      // PUT without a secret keeps it; with a new rule threshold the rule is replaced.
      const replaced = await h.service.http
        .put(`/api/v1/eval/alert-rules/${created.body.id}`)
        .set(admin)
        .send(rule({ threshold: 0.25, webhook_url: url }));
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ threshold: 0.25, has_webhook_secret: true });
      const list = await h.service.http.get('/api/v1/eval/alert-rules').set(admin);
      expect(list.text).not.toContain(SECRET);
      expect((list.body.items as Array<{ id: string }>).map((r) => r.id)).toContain(created.body.id);
      const removed = await h.service.http.delete(`/api/v1/eval/alert-rules/${created.body.id}`).set(admin);
      expect(removed.status).toBe(204);
      expect(
        (await h.service.http.get(`/api/v1/eval/alert-rules/${created.body.id}`).set(admin)).status,
      ).toBe(404);
    });

    it('should let only platform admins create platform-wide rules, hidden from tenants', async () => {
      const refused = await h.service.http
        .post('/api/v1/eval/alert-rules')
        .set(admin)
        .send({ ...rule(), platform: true });
      expect(refused.status).toBe(403);
      expect(refused.body.field).toBe('platform');
      const platformAdmin = await h.auth(PLATFORM_TENANT_ID, 'platform_admin');
      const created = await h.service.http
        .post('/api/v1/eval/alert-rules')
        .set(platformAdmin)
        .send({
          ...rule({ name: 'any role failing', scope: {}, threshold: 0.9, clear_threshold: 0.8 }),
          platform: true,
        });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ tenant_id: null, platform: true });
      const tenantList = await h.service.http.get('/api/v1/eval/alert-rules').set(admin);
      expect((tenantList.body.items as Array<{ id: string }>).map((r) => r.id)).not.toContain(
        created.body.id,
      );
      const asTenant = await h.service.http.get(`/api/v1/eval/alert-rules/${created.body.id}`).set(admin);
      expect(asTenant.status).toBe(404);
      await h.service.http
        .delete(`/api/v1/eval/alert-rules/${created.body.id}`)
        .set(platformAdmin)
        .expect(204);
    });
  });

  describe('an alert over successive evaluations', () => {
    let tenant: string;
    let ruleId: string;
    let smallRuleId: string;

    const addJobs = (count: number, failed: number, role = 'notebook'): void => {
      const g = jobs({ tenantId: tenant, count, failed, role });
      h.stub.addExecutions(g.executions);
      h.stub.addAgents(g.agents);
    };
    const firing = async (): Promise<Array<{ rule_id: string; value: number }>> =>
      (await h.service.http.get('/api/v1/eval/alerts').set(await h.auth(tenant, 'viewer'))).body
        .items as Array<{
        rule_id: string;
        value: number;
      }>;

    beforeAll(async () => {
      tenant = await h.tenant();
      const admin = await h.auth(tenant, 'operator');
      hook.failures.push(500);
      const created = await h.service.http
        .post('/api/v1/eval/alert-rules')
        .set(admin)
        .send(rule({ webhook_url: `${hook.url}/hooks/${HOOK_TOKEN}`, webhook_secret: SECRET }));
      expect(created.status).toBe(201);
      ruleId = created.body.id as string;
      const small = await h.service.http
        .post('/api/v1/eval/alert-rules')
        .set(admin)
        .send(rule({ name: 'cluster failures', scope: { agent_role: 'cluster' } }));
      smallRuleId = small.body.id as string;
    });

    it('should stay quiet below the threshold', async () => {
      addJobs(100, 10); // 10%
      await h.runNow(tenant);
      expect(await firing()).toEqual([]);
    });

    it('should fire once when crossed, and list the alert as firing', async () => {
      addJobs(30, 30); // 40 of 130 = 30.8%
      const run = await h.runNow(tenant);
      const [fired] = await eventually('FIRING', () =>
        alertsOf(ruleId).length ? alertsOf(ruleId) : undefined,
      );
      expect(fired).toMatchObject({
        state: AlertState.ALERT_STATE_FIRING,
        tenantId: tenant,
        title: '[FIRING] notebook failure rate: failure rate 30.8% > 20%',
        labels: expect.objectContaining({
          agent_role: 'notebook',
          environment: 'torch.dev.gpu',
          metric: 'failure_rate',
        }),
      });
      expect(fired!.value).toBeCloseTo(40 / 130, 12);
      expect(fired!.eventId).toBe(`eval-loop:alert:${fired!.alertId}:1`);
      expect(fired!.description).toContain(String(run.id));
      const list = await firing();
      expect(list).toHaveLength(1);
      expect(list[0]!.rule_id).toBe(ruleId);
    });

    it('should not flap while the value wanders between the clear threshold and above the threshold', async () => {
      addJobs(40, 0); // 40 of 170 = 23.5%
      await h.runNow(tenant);
      addJobs(40, 0); // 40 of 210 = 19.0%: under the threshold, over the clear threshold
      await h.runNow(tenant);
      expect(alertsOf(ruleId)).toHaveLength(1);
      const [current] = await firing();
      expect(current!.value).toBeCloseTo(40 / 210, 12);
    });

    it('should resolve once recovered past the clear threshold, and fire again on a new crossing', async () => {
      addJobs(60, 0); // 40 of 270 = 14.8%
      await h.runNow(tenant);
      await eventually('RESOLVED', () => (alertsOf(ruleId).length === 2 ? true : undefined));
      expect(await firing()).toEqual([]);
      addJobs(40, 40); // 80 of 310 = 25.8%
      await h.runNow(tenant);
      const all = await eventually('FIRING again', () =>
        alertsOf(ruleId).length === 3 ? alertsOf(ruleId) : undefined,
      );
      expect(all.map((a) => a.state)).toEqual([
        AlertState.ALERT_STATE_FIRING,
        AlertState.ALERT_STATE_RESOLVED,
        AlertState.ALERT_STATE_FIRING,
      ]);
      expect(new Set(all.map((a) => a.alertId)).size).toBe(1);
      expect(all.map((a) => a.eventId.split(':').at(-1))).toEqual(['1', '2', '3']);
      expect(all[1]!.title).toBe('[RESOLVED] notebook failure rate: failure rate 14.8% <= 15%');
    });

    it('should deliver each transition to the webhook, signed, retrying after a 500', async () => {
      const delivered = await eventually(
        'three webhook deliveries',
        () => {
          const ok = hook.received.filter((r) => r.status === 204);
          return ok.length === 3 ? ok : undefined;
        },
        20_000,
      );
      // The first call answered 500 and was made again about a second later with the same event id.
      const [failed] = hook.received;
      expect(failed!.status).toBe(500);
      expect(delivered[0]!.headers['x-auraison-event-id']).toBe(failed!.headers['x-auraison-event-id']);
      expect(delivered[0]!.at - failed!.at).toBeGreaterThanOrEqual(900);
      for (const d of delivered) {
        const signature = d.headers['x-auraison-signature'] as string;
        expect(verifyWebhook(SECRET, d.body, signature, Math.floor(Date.now() / 1000))).toBe(true);
        expect(verifyWebhook('another-secret-0123', d.body, signature, Math.floor(Date.now() / 1000))).toBe(
          false,
        );
      }
      const bodies = delivered.map(
        (d) => JSON.parse(d.body) as { type: string; event_id: string; rule_id: string },
      );
      expect(bodies.map((b) => b.type)).toEqual(['alert.firing', 'alert.resolved', 'alert.firing']);
      expect(bodies.map((b) => b.event_id)).toEqual(alertsOf(ruleId).map((a) => a.eventId));
      expect(new Set(bodies.map((b) => b.rule_id))).toEqual(new Set([ruleId]));
    });

    it('should report a small sample and never alarm on it', async () => {
      addJobs(5, 5, 'cluster'); // 100% failures, but 5 runs < 30
      await h.runNow(tenant);
      const res = await h.service.http
        .get('/api/v1/eval/signals?agent_role=cluster')
        .set(await h.auth(tenant, 'viewer'));
      expect(res.body.items[0]).toMatchObject({ runs: 5, successes: 0, small_sample: true });
      expect(res.body.items[0].text).toMatch(/small sample, not conclusive$/);
      expect(alertsOf(smallRuleId)).toEqual([]);
    });

    it('should resolve the firing alerts of a deleted rule', async () => {
      await h.service.http
        .delete(`/api/v1/eval/alert-rules/${ruleId}`)
        .set(await h.auth(tenant, 'tenant_admin'))
        .expect(204);
      const last = await eventually('RESOLVED by deletion', () =>
        alertsOf(ruleId).length === 4 ? alertsOf(ruleId)[3] : undefined,
      );
      expect(last).toMatchObject({
        state: AlertState.ALERT_STATE_RESOLVED,
        title: '[RESOLVED] notebook failure rate: the rule was deleted',
      });
      expect(await firing()).toEqual([]);
    });
  });

  it('should judge a platform-wide rule per tenant, showing its alerts to platform callers only', async () => {
    const platformAdmin = await h.auth(PLATFORM_TENANT_ID, 'platform_admin');
    const created = await h.service.http
      .post('/api/v1/eval/alert-rules')
      .set(platformAdmin)
      .send({
        ...rule({ name: 'plane-wide failures', scope: {}, threshold: 0.5, clear_threshold: 0.4 }),
        platform: true,
      });
    const ruleId = created.body.id as string;
    const bad = await h.tenant();
    const good = await h.tenant();
    for (const [tenant, failed] of [
      [bad, 30],
      [good, 0],
    ] as const) {
      const g = jobs({ tenantId: tenant, count: 40, failed });
      h.stub.addExecutions(g.executions);
      h.stub.addAgents(g.agents);
      await h.runNow(tenant);
    }
    const [fired] = await eventually('platform alert', () =>
      alertsOf(ruleId).length ? alertsOf(ruleId) : undefined,
    );
    expect(fired).toMatchObject({ tenantId: bad, state: AlertState.ALERT_STATE_FIRING });
    expect(alertsOf(ruleId)).toHaveLength(1);
    const asTenant = await h.service.http.get('/api/v1/eval/alerts').set(await h.auth(bad, 'tenant_admin'));
    expect(asTenant.body.items).toEqual([]);
    const asPlatform = await h.service.http.get(`/api/v1/eval/alerts?tenant_id=${bad}`).set(platformAdmin);
    expect((asPlatform.body.items as Array<{ rule_id: string }>).map((a) => a.rule_id)).toEqual([ruleId]);
  });

  it('should never log a webhook secret or a webhook URL', () => {
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(HOOK_TOKEN);
    expect(text).toContain('webhook delivery failed, will retry');
  });
});
