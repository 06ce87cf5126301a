// The demo against a real plane (production bundles, own database and NATS namespace): it creates its
// tenants, plays jobs through the real interfaces, and the stores end up with traces, usage and history.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startPlane, type RunningPlane } from '@auraison/app-testing';
import { runDemo, sessionStream, type DemoResult } from './workload.js';
import { agentEventFromClaudeOutput } from '@auraison/client';

let plane: RunningPlane;
let result: DemoResult;
const lines: string[] = [];

interface Body {
  status?: string;
  gpu_seconds: number;
  entries: Array<{ kind: string }>;
  items: Array<{ tool: string }>;
  total: { events: number; cost: string };
}

async function admin(base: string, path: string): Promise<{ status: number; body: Body }> {
  const tok = await fetch(`${plane.urls['tenant-registry']}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: plane.adminKey }),
  }).then(async (r) => (await r.json()) as { access_token: string });
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${tok.access_token}` } });
  return { status: res.status, body: (await res.json()) as Body };
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await fn();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    last = await fn();
  }
  return last;
}

beforeAll(async () => {
  plane = await startPlane({ apps: ['policy-engine', 'observability-store', 'billing'] });
  result = await runDemo({
    registryUrl: plane.urls['tenant-registry']!,
    policyUrl: plane.urls['policy-engine']!,
    policyGrpc: plane.policyGrpc!,
    natsUrl: plane.clientEnv.NATS_URL!,
    natsNamespace: plane.namespace,
    adminKey: plane.adminKey,
    rate: 5,
    jobs: 8,
    backfill: 3,
    jobSeconds: 0.3,
    prefix: 'demo',
    log: (l) => lines.push(l),
    progress: (l) => lines.push(l),
  });
}, 240_000);

afterAll(async () => {
  await plane?.stop();
}, 60_000);

describe('npm run demo', () => {
  it('should create two tenants and play every job to an end, with a progress line', () => {
    expect(result.tenants.map((t) => t.slug)).toEqual(['demo-acme', 'demo-globex']);
    // 8 jobs, plus the actuation session when the draw did not place it among them.
    expect([8, 9]).toContain(result.admitted + result.rejected);
    expect(result.succeeded).toBeGreaterThan(0);
    // One agent session per job (a rejected one too), plus the 3 backfilled.
    expect(result.agentEvents).toBe(result.admitted + result.rejected + 3);
    expect(result.actuationSession).toBeDefined();
    expect(lines.some((l) => /^\[8\/8\] admitted \d+, rejected \d+/.test(l))).toBe(true);
  });

  it('should leave a job trace, usage in both periods and a scope history behind', async () => {
    const acme = result.tenants[0]!.id;
    const obs = plane.urls['observability-store']!;
    const trace = await eventually(
      async () => admin(obs, `/api/v1/jobs/${result.sampleJob}/trace?tenant_id=${acme}`),
      (r) => r.status === 200 && !['pending', 'running'].includes(r.body.status ?? 'pending'),
    );
    expect({ status: trace.status, job: trace.body.status }).toEqual({
      status: 200,
      job: expect.any(String),
    });
    expect(trace.body.entries.map((e) => e.kind)).toContain('agent');
    expect(['succeeded', 'failed']).toContain(trace.body.status);
    expect(trace.body.gpu_seconds).toBeGreaterThan(0);
    const actuations = await eventually(
      async () => admin(obs, `/api/v1/safety/actuations?tenant_id=${acme}`),
      (r) => r.status === 200 && r.body.items.length > 0,
    );
    expect(actuations.body.items.map((c) => c.tool)).toContain('mcp__ros__publish_cmd_vel');
    const billing = plane.urls.billing!;
    const usage = await eventually(
      async () => admin(billing, `/api/v1/billing/usage?tenant_id=${acme}&period=${result.backfillPeriod}`),
      (r) => r.status === 200 && r.body.total.events > 0,
    );
    expect(Number(usage.body.total.cost)).toBeGreaterThan(0);
    const statement = await admin(
      billing,
      `/api/v1/billing/statements?tenant_id=${acme}&period=${result.backfillPeriod}`,
    );
    expect(statement.status).toBe(200);
    const history = await admin(
      plane.urls['policy-engine']!,
      `/api/v1/policy/tenants/${acme}/roles/notebook/history`,
    );
    expect(history.body.items).toHaveLength(2);
    // Each wait may take up to a minute on a loaded machine (the consumers catch up after the demo).
  }, 200_000);

  it('should build sessions the converter pairs, with denials', () => {
    const stream = sessionStream({
      sessionId: '11111111-2222-4333-8444-555555555555',
      model: 'claude-sonnet-4-5',
      calls: [{ tool: 'Bash', input: { command: 'ls' }, output: 'a' }],
      denied: { tool: 'Bash', input: { command: 'rm -rf /' } },
    });
    const e = agentEventFromClaudeOutput(stream, {
      tenantId: result.tenants[0]!.id,
      agentRole: 'notebook',
      exitCode: 0,
    });
    expect(e.toolCalls.map((c) => [c.tool, c.output, c.permissionDenied ?? false])).toEqual([
      ['Bash', 'a', false],
      ['Bash', '', true],
    ]);
    expect(e.tokensIn).toBe(900);
  });
});
