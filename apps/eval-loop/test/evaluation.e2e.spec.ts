// Evaluation end to end (real PostgreSQL and NATS; the observability store, billing and the registry's
// token exchange answered by the plane stub in their documented shapes; W&B by the fake W&B server):
// known event sets give exactly the expected rates, intervals, percentiles, tokens, costs, experiment
// verdicts and W&B deltas, in the API and in the EvaluationSummary on mp.eval.summaries; W&B paging, a
// 429, W&B down and billing down are handled as stated.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Environment, EvaluationTrigger } from '@auraison/contracts';
import { expectPrometheusText } from '@auraison/testing';
import { startFakeWandb, type FakeWandb } from './support/fake-wandb.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { jobs, type GeneratedJobs } from './support/jobs.js';

interface SignalBody {
  agent_role: string;
  environment: string;
  job_label: string;
  variant: string;
  runs: number;
  successes: number;
  success_rate: number;
  success_rate_ci_low: number;
  success_rate_ci_high: number;
  latency_p50_ms: number;
  latency_p90_ms: number;
  latency_p99_ms: number;
  tokens_per_success: number;
  cost_micros_per_success: string | null;
  wandb_metrics: Record<string, number>;
  wandb_metric_deltas: Record<string, number>;
  small_sample: boolean;
  text: string;
}

describe('evaluation runs end to end (real PostgreSQL and NATS)', () => {
  let h: Harness;
  let wandb: FakeWandb;

  const add = (g: GeneratedJobs): GeneratedJobs => {
    h.stub.addExecutions(g.executions);
    h.stub.addAgents(g.agents);
    return g;
  };

  const signals = async (tenantId: string, query = ''): Promise<{ run_id: string; items: SignalBody[] }> => {
    const res = await h.service.http
      .get(`/api/v1/eval/signals${query}`)
      .set(await h.auth(tenantId, 'viewer'));
    expect(res.status).toBe(200);
    return res.body as { run_id: string; items: SignalBody[] };
  };

  beforeAll(async () => {
    wandb = await startFakeWandb({ pageSize: 2 });
    h = await startHarness({
      env: {
        WANDB_BASE_URL: wandb.url,
        WANDB_ENTITY: 'acme',
        WANDB_PROJECT: 'agents',
        WANDB_API_KEY: wandb.apiKey,
        WANDB_MAX_ATTEMPTS: '2',
      },
    });
  });

  afterAll(async () => {
    await h?.close();
    await wandb?.close();
  });

  describe('a known event set', () => {
    let tenant: string;
    let run: Record<string, unknown>;
    let lakehouse: GeneratedJobs;

    beforeAll(async () => {
      tenant = await h.tenant();
      // 412 lakehouse jobs of the notebook agent, the first 95 failed, job i taking (i + 1) s.
      lakehouse = add(
        jobs({
          tenantId: tenant,
          count: 412,
          failed: 95,
          labels: { job_kind: 'lakehouse' },
          durationMs: (i) => (i + 1) * 1000,
        }),
      );
      for (const jobId of lakehouse.jobIds) h.stub.setCost(tenant, jobId, 2_500_000n);
      // 5 cluster jobs on ros.dev.gpu, one failed: a small sample.
      add(
        jobs({
          tenantId: tenant,
          count: 5,
          failed: 1,
          role: 'cluster',
          environment: Environment.ENVIRONMENT_ROS_DEV_GPU,
        }),
      );
      // An experiment of the wandb role: control 120/200, haiku 160/200.
      add(
        jobs({
          tenantId: tenant,
          count: 200,
          failed: 80,
          role: 'wandb',
          experimentId: 'exp-1',
          variant: 'control',
        }),
      );
      add(
        jobs({
          tenantId: tenant,
          count: 200,
          failed: 40,
          role: 'wandb',
          experimentId: 'exp-1',
          variant: 'haiku',
        }),
      );
      // W&B runs of three lakehouse jobs (two runs for one job), served two per page.
      for (const [i, loss] of [
        [300, 0.5],
        [300, 0.3],
        [301, 0.2],
        [302, 0.6],
      ] as const)
        wandb.runs.push({
          id: `run-${i}-${loss}`,
          name: `r${i}`,
          state: 'finished',
          config: { job_id: lakehouse.jobIds[i]! },
          summary: { 'eval/loss': loss, _step: 10 },
          createdAt: new Date().toISOString(),
        });
      run = await h.runNow(tenant);
    });

    it('should finish the run with the inputs it read and the time each phase took', () => {
      expect(run.status).toBe('succeeded');
      expect(run.inputs).toMatchObject({
        executions: 817,
        agent_events: 817,
        outcomes: 817,
        jobs: 817,
        wandb_runs: 4,
      });
      expect((run.inputs as Record<string, number>).jobs_with_cost).toBe(412);
      expect(Object.keys(run.timings as object).sort()).toEqual([
        'compute_ms',
        'fetch_ms',
        'store_ms',
        'total_ms',
      ]);
    });

    it('should give exactly the expected rate, Wilson interval and sentence for the lakehouse slice', async () => {
      const { items } = await signals(tenant, '?agent_role=notebook&job_label=lakehouse');
      expect(items).toHaveLength(1);
      const s = items[0]!;
      expect(s).toMatchObject({
        runs: 412,
        successes: 317,
        small_sample: false,
        environment: 'torch.dev.gpu',
      });
      expect(s.success_rate).toBeCloseTo(317 / 412, 12);
      // Wilson 95% for 317/412, computed independently: 0.7263686868932138 .. 0.8074886168724595.
      expect(s.success_rate_ci_low).toBeCloseTo(0.7263686868932138, 9);
      expect(s.success_rate_ci_high).toBeCloseTo(0.8074886168724595, 9);
      expect(s.text).toBe(
        'notebook on torch.dev.gpu: 23% failure rate for lakehouse jobs (n=412, 95% CI 19-27%)',
      );
    });

    it('should give exactly the expected latency percentiles, tokens and cost per successful job', async () => {
      const { items } = await signals(tenant, '?agent_role=notebook&job_label=lakehouse');
      const s = items[0]!;
      // Durations 1..412 s; R-7 percentiles: p50 = 206.5 s, p90 = 370.9 s, p99 = 407.89 s.
      expect(s.latency_p50_ms).toBeCloseTo(206_500, 6);
      expect(s.latency_p90_ms).toBeCloseTo(370_900, 6);
      expect(s.latency_p99_ms).toBeCloseTo(407_890, 6);
      expect(s.tokens_per_success).toBe(1200);
      expect(s.cost_micros_per_success).toBe('2500000');
    });

    it('should report a small sample as such, with no cost known', async () => {
      const { items } = await signals(tenant, '?agent_role=cluster');
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        runs: 5,
        successes: 4,
        small_sample: true,
        cost_micros_per_success: null,
      });
      expect(items[0]!.text).toBe(
        'cluster on ros.dev.gpu: 20% failure rate (n=5, 95% CI 4-62%); small sample, not conclusive',
      );
      const small = await signals(tenant, '?small_sample=true');
      expect(small.items.map((x) => x.agent_role)).toEqual(['cluster']);
    });

    it('should compare the experiment variants with a significance test and a plain verdict', async () => {
      const res = await h.service.http
        .get(`/api/v1/eval/summaries/${String(run.id)}`)
        .set(await h.auth(tenant, 'viewer'));
      expect(res.status).toBe(200);
      expect(res.body.experiments).toHaveLength(1);
      const e = res.body.experiments[0];
      expect(e).toMatchObject({
        experiment_id: 'exp-1',
        agent_role: 'wandb',
        control_variant: 'control',
        variant: 'haiku',
        control_runs: 200,
        control_successes: 120,
        variant_runs: 200,
        variant_successes: 160,
      });
      // z = 4.364, two-sided p = 1.275e-5 (computed independently).
      expect(e.p_value).toBeCloseTo(1.2749674921097067e-5, 6);
      expect(e.verdict).toBe('haiku is better than control (success 80% vs 60%, p<0.0001)');
      expect(res.body.signal_count).toBe(res.body.signals.length);
    });

    it('should average W&B summary metrics over the runs of the slice, read across pages', async () => {
      const { items } = await signals(tenant, '?agent_role=notebook&job_label=lakehouse');
      // Job 300: (0.5 + 0.3) / 2 = 0.4; job 301: 0.2; job 302: 0.6 -> mean over jobs 0.4.
      expect(items[0]!.wandb_metrics['eval/loss']).toBeCloseTo(0.4, 12);
      expect(items[0]!.wandb_metrics).not.toHaveProperty('_step');
      expect(items[0]!.wandb_metric_deltas).toEqual({});
    });

    it('should publish the EvaluationSummary on mp.eval.summaries with the same figures', async () => {
      const summary = await eventually('summary published', () =>
        h.summaries.messages.find((m) => m.runId === run.id),
      );
      expect(summary).toMatchObject({
        tenantId: tenant,
        trigger: EvaluationTrigger.EVALUATION_TRIGGER_MANUAL,
        degraded: false,
        eventId: `eval-loop:summary:${String(run.id)}`,
      });
      const s = summary.signals.find((x) => x.agentRole === 'notebook' && x.jobLabel === 'lakehouse')!;
      expect(s).toMatchObject({
        runs: 412,
        successes: 317,
        costMicrosPerSuccess: 2_500_000,
        tokensPerSuccess: 1200,
      });
      expect(s.successRateCiLow).toBeCloseTo(0.7263686868932138, 9);
      expect(s.latencyP99Ms).toBeCloseTo(407_890, 6);
      expect(summary.experiments[0]!.verdict).toMatch(/^haiku is better than control/);
    });

    it('should read the store through its pages with the service token', () => {
      // 817 executions and 817 agent events in pages of 200: 5 + 5 calls.
      expect(h.stub.calls['/api/v1/events']).toBeGreaterThanOrEqual(10);
      expect(h.stub.tokensSeen.size).toBeGreaterThan(0);
    });
  });

  it('should report W&B metric deltas against the previous window', async () => {
    const tenant = await h.tenant();
    const day = 24 * 3_600_000;
    const before = add(
      jobs({ tenantId: tenant, count: 3, endAt: (i) => new Date(Date.now() - day - 3_600_000 + i) }),
    );
    const now = add(jobs({ tenantId: tenant, count: 3 }));
    for (const [g, loss] of [
      [before, 0.5],
      [now, 0.4],
    ] as const)
      for (const jobId of g.jobIds)
        wandb.runs.push({
          id: `d-${jobId}`,
          name: jobId,
          state: 'finished',
          config: { job_id: jobId },
          summary: { loss },
          createdAt: new Date().toISOString(),
        });
    const previous = await h.runNow(tenant, { window_end: new Date(Date.now() - day).toISOString() });
    expect(previous.status).toBe('succeeded');
    const current = await h.runNow(tenant);
    expect(Date.parse(current.window_start as string)).toBeGreaterThanOrEqual(
      Date.parse(previous.window_end as string),
    );
    const { items } = await signals(tenant);
    expect(items[0]!.wandb_metrics.loss).toBeCloseTo(0.4, 12);
    expect(items[0]!.wandb_metric_deltas.loss).toBeCloseTo(-0.1, 12);
  });

  it('should retry W&B after HTTP 429 and finish undegraded', async () => {
    const tenant = await h.tenant();
    const g = add(jobs({ tenantId: tenant, count: 2 }));
    wandb.runs.push({
      id: `r429-${g.jobIds[0]}`,
      name: 'x',
      state: 'finished',
      config: { job_id: g.jobIds[0]! },
      summary: { acc: 0.9 },
      createdAt: new Date().toISOString(),
    });
    const requests = wandb.requests;
    wandb.failures.push(429);
    const run = await h.runNow(tenant);
    expect(run).toMatchObject({ status: 'succeeded', degraded_reason: null });
    expect(wandb.requests - requests).toBe(2);
    expect((run.inputs as Record<string, number>).wandb_runs).toBe(1);
  });

  it('should degrade, not fail, when W&B is down, and say why', async () => {
    const tenant = await h.tenant();
    add(jobs({ tenantId: tenant, count: 40, failed: 10 }));
    wandb.failures.push(500, 500);
    const run = await h.runNow(tenant);
    expect(run.status).toBe('degraded');
    expect(run.degraded_reason).toBe('W&B metrics unavailable: W&B unreachable after 2 attempts (HTTP 500)');
    const { items } = await signals(tenant);
    expect(items[0]).toMatchObject({ runs: 40, successes: 30 });
    const summary = await eventually('degraded summary', () =>
      h.summaries.messages.find((m) => m.runId === run.id),
    );
    expect(summary).toMatchObject({ degraded: true, degradedReason: run.degraded_reason });
  });

  it('should degrade with unknown costs when billing is unreachable', async () => {
    const tenant = await h.tenant();
    const g = add(jobs({ tenantId: tenant, count: 3 }));
    h.stub.setCost(tenant, g.jobIds[0]!, 1n);
    h.stub.billingDown = 503;
    try {
      const run = await h.runNow(tenant);
      expect(run.status).toBe('degraded');
      expect(run.degraded_reason).toMatch(
        /^costs unknown: billing GET \/api\/v1\/billing\/usage answered HTTP 503/,
      );
      const { items } = await signals(tenant);
      expect(items[0]!.cost_micros_per_success).toBeNull();
    } finally {
      h.stub.billingDown = undefined;
    }
  });

  it('should count runs by result in /metrics', async () => {
    const res = await h.service.http.get('/metrics');
    expectPrometheusText(res.text);
    expect(res.text).toMatch(
      /eval_loop_runs_total\{[^}]*trigger="manual"[^}]*result="succeeded"[^}]*\} [1-9]/,
    );
    expect(res.text).toMatch(/eval_loop_runs_total\{[^}]*result="degraded"[^}]*\} [1-9]/);
  });
});
