// Policy administration end to end: role defaults and tenant overrides as immutable versions with
// author, reason and diff; history and rollback; invalid rules refused by name; actuation gates;
// experiments with deterministic variants; cluster-wide rate limits; the dry run against recorded
// tool calls served by a stand-in of the observability store's HTTP API.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  AdmitJobRejection,
  Environment,
  type AdmitJobResponse,
  type GetAgentConfigResponse,
  type GetToolScopeResponse,
} from '@auraison/contracts';
import type { TestIssuer } from '@auraison/testing';
import { DataSource } from 'typeorm';
import {
  announceTenant,
  bootPolicyEngine,
  caller,
  PolicyGrpcClient,
  startIssuer,
  type Caller,
  type Service,
} from './support/harness.js';

interface StubCall {
  url: URL;
  authorization: string | undefined;
}

/** The observability store's GET /api/v1/tool-calls, answering two pages from `items`. */
async function startObservabilityStub(
  items: object[],
): Promise<{ server: Server; url: string; calls: StubCall[] }> {
  const calls: StubCall[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    calls.push({ url, authorization: req.headers.authorization });
    if (url.pathname !== '/api/v1/tool-calls') return void res.writeHead(404).end();
    const page = url.searchParams.get('cursor') === 'page-2' ? 1 : 0;
    const half = Math.ceil(items.length / 2);
    const body =
      page === 0
        ? { items: items.slice(0, half), next_cursor: 'page-2' }
        : { items: items.slice(half), next_cursor: null };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

const recorded = (tool: string, input: object) => ({
  event_id: `evt-${randomUUID()}`,
  session_id: 'sess-1',
  job_id: 'job-1',
  agent_role: 'notebook',
  tool,
  input,
  is_error: false,
  permission_denied: false,
  timestamp: new Date().toISOString(),
});

describe('policy administration (real PostgreSQL and NATS)', () => {
  let issuer: TestIssuer;
  let service: Service;
  let grpc: PolicyGrpcClient;
  let stub: Awaited<ReturnType<typeof startObservabilityStub>>;
  let tenantId: string;
  let admin: Caller;
  let operator: Caller;
  let svc: Caller;
  let platform: Caller;

  const RECORDED = [
    recorded('Bash', { command: 'kubectl get pods' }),
    recorded('Bash', { command: 'kubectl logs job-1 | grep ERROR' }),
    recorded('Bash', { command: 'ray job submit -- python train.py' }),
    recorded('Read', { file_path: '/work/proj/README.md' }),
    recorded('WebFetch', { url: 'https://docs.ray.io/en/latest/' }),
  ];

  beforeAll(async () => {
    issuer = await startIssuer();
    stub = await startObservabilityStub(RECORDED);
    service = await bootPolicyEngine(issuer, { env: { MP_OBSERVABILITY_URL: stub.url } });
    grpc = new PolicyGrpcClient(service.address('grpc'));
    tenantId = (await announceTenant([service])).tenantId;
    admin = await caller(issuer, tenantId, 'tenant_admin');
    operator = await caller(issuer, tenantId, 'operator');
    svc = await caller(issuer, tenantId, 'service');
    platform = await caller(issuer, randomUUID(), 'platform_admin');
  });

  afterAll(async () => {
    grpc?.close();
    await service?.close();
    await issuer?.close();
    await new Promise((r) => stub?.server.close(r));
  });

  const scope = async (role: string, environment = Environment.ENVIRONMENT_UNSPECIFIED) =>
    (
      await grpc.call<GetToolScopeResponse>(
        'getToolScope',
        { tenantId, agentRole: role, environment },
        svc.token,
      )
    ).scope!;

  describe('tenant overrides', () => {
    it('should refuse an invalid rule naming it and its position, and write nothing', async () => {
      const res = await service.http
        .put(`/api/v1/policy/tenants/${tenantId}/roles/notebook`)
        .set(admin.auth)
        .send({ allow: ['Bash(helm *)', 'Bsh(ls)'], deny: [], reason: 'more tools' });
      expect(res.status).toBe(400);
      expect(res.body.field).toBe('allow[1]');
      expect(res.body.message).toContain('allow[1]: invalid rule "Bsh(ls)": unknown tool Bsh');
      const history = await service.http
        .get(`/api/v1/policy/tenants/${tenantId}/roles/notebook/history`)
        .set(admin.auth);
      expect(history.body.items).toEqual([]);
    });

    it('should add the override to the default as a new version with author, reason and diff', async () => {
      const before = await scope('notebook');
      const res = await service.http
        .put(`/api/v1/policy/tenants/${tenantId}/roles/notebook`)
        .set(admin.auth)
        .send({
          allow: ['Bash(helm *)'],
          deny: ['Bash(ray stop *)'],
          max_duration_s: 600,
          reason: 'helm charts',
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        changed: true,
        version: {
          tenant_id: tenantId,
          agent_role: 'notebook',
          reason: 'helm charts',
          diff: {
            allow: { added: ['Bash(helm *)'], removed: [] },
            deny: { added: ['Bash(ray stop *)'], removed: [] },
            changed: { max_duration_s: [null, 600] },
          },
        },
      });
      const after = await scope('notebook');
      expect(after.allowedTools).toBe('Bash(kubectl *),Bash(ray *),Read,Bash(helm *)');
      expect(after.disallowedRules).toEqual([
        'Bash(kubectl delete *)',
        'Bash(ray stop *)',
        'mcp__ros__publish_cmd_vel',
        'mcp__ros__navigate_to_pose',
        'mcp__nav2__*',
      ]);
      expect(after.maxDurationS).toBe(600);
      expect(after.scopeVersion).toBeGreaterThan(before.scopeVersion);
      // The same document again changes nothing and writes no version.
      const same = await service.http
        .put(`/api/v1/policy/tenants/${tenantId}/roles/notebook`)
        .set(admin.auth)
        .send({ allow: ['Bash(helm *)'], deny: ['Bash(ray stop *)'], max_duration_s: 600, reason: 'again' });
      expect(same.body.changed).toBe(false);
    });

    it('should keep history and roll back as a new version', async () => {
      await service.http
        .put(`/api/v1/policy/tenants/${tenantId}/roles/notebook`)
        .set(admin.auth)
        .send({ allow: [], deny: ['Read(*.env)'], reason: 'tighter' });
      const history = await service.http
        .get(`/api/v1/policy/tenants/${tenantId}/roles/notebook/history?limit=1`)
        .set(admin.auth);
      expect(history.body.items).toHaveLength(1);
      expect(history.body.items[0].reason).toBe('tighter');
      const older = await service.http
        .get(`/api/v1/policy/tenants/${tenantId}/roles/notebook/history?before=${history.body.next_before}`)
        .set(admin.auth);
      const first = older.body.items[0];
      expect(first.reason).toBe('helm charts');
      const rollback = await service.http
        .post(`/api/v1/policy/tenants/${tenantId}/roles/notebook/rollback`)
        .set(admin.auth)
        .send({ version: first.version, reason: 'undo' });
      expect(rollback.body).toMatchObject({
        changed: true,
        version: { rollback_of: first.version, reason: 'undo' },
      });
      expect(rollback.body.version.version).toBeGreaterThan(history.body.items[0].version as number);
      expect((await scope('notebook')).allowedRules).toContain('Bash(helm *)');
      const removed = await service.http
        .delete(`/api/v1/policy/tenants/${tenantId}/roles/notebook?reason=back%20to%20default`)
        .set(admin.auth);
      expect(removed.body).toMatchObject({ changed: true, version: { document: null } });
      expect((await scope('notebook')).allowedTools).toBe('Bash(kubectl *),Bash(ray *),Read');
      const view = await service.http.get(`/api/v1/policy/tenants/${tenantId}/roles/notebook`).set(svc.auth);
      expect(view.body).toMatchObject({
        override: null,
        effective: { allow: ['Bash(kubectl *)', 'Bash(ray *)', 'Read'] },
      });
      const audit = await service.http.get(`/api/v1/policy/tenants/${tenantId}/audit`).set(admin.auth);
      expect((audit.body.items as Array<{ action: string }>).slice(0, 4).map((e) => e.action)).toEqual([
        'role-override.removed',
        'role-override.rolled-back',
        'role-override.changed',
        'role-override.changed',
      ]);
    });

    it('should keep versions immutable in the database', async () => {
      const db = service.app.get(DataSource);
      await expect(db.query(`UPDATE policy.role_policies SET reason = 'rewritten'`)).rejects.toThrow(
        /append-only/,
      );
      await expect(db.query(`DELETE FROM policy.audit_log`)).rejects.toThrow(/append-only/);
    });
  });

  describe('role defaults', () => {
    it('should let only platform admins change a default, and create roles added later', async () => {
      const body = {
        allow: ['Bash(dbt *)', 'Read'],
        deny: [],
        max_duration_s: 1200,
        max_turns: 20,
        model: 'claude-opus-4-1',
        reason: 'new role',
      };
      expect(
        (await service.http.put('/api/v1/policy/roles/analytics').set(admin.auth).send(body)).status,
      ).toBe(403);
      const created = await service.http.put('/api/v1/policy/roles/analytics').set(platform.auth).send(body);
      expect(created.body).toMatchObject({
        changed: true,
        version: { tenant_id: null, agent_role: 'analytics' },
      });
      expect((await scope('analytics')).allowedTools).toBe('Bash(dbt *),Read');
      const roles = await service.http.get('/api/v1/policy/roles').set(svc.auth);
      expect((roles.body.items as Array<{ agent_role: string }>).map((r) => r.agent_role)).toEqual([
        'analytics',
        'cluster',
        'lakehouse',
        'notebook',
        'wandb',
      ]);
      const changed = await service.http
        .put('/api/v1/policy/roles/analytics')
        .set(platform.auth)
        .send({ ...body, allow: ['Read'], reason: 'narrower' });
      const rollback = await service.http
        .post('/api/v1/policy/roles/analytics/rollback')
        .set(platform.auth)
        .send({ version: created.body.version.version, reason: 'restore' });
      expect(rollback.body.version.document.allow).toEqual(['Bash(dbt *)', 'Read']);
      expect(rollback.body.version.version).toBeGreaterThan(changed.body.version.version as number);
      const platformAudit = await service.http.get('/api/v1/policy/audit').set(platform.auth);
      expect(platformAudit.body.items[0]).toMatchObject({
        action: 'role-default.rolled-back',
        target: 'role:analytics',
        reason: 'restore',
      });
      expect((await service.http.get('/api/v1/policy/audit').set(admin.auth)).status).toBe(404);
    });
  });

  describe('actuation gates', () => {
    it('should put actuation tools in the scope only while the gate of that environment is open', async () => {
      const closed = await scope('cluster', Environment.ENVIRONMENT_ROS_DEV_GPU);
      expect(closed.allowedRules).not.toContain('mcp__ros__publish_cmd_vel');
      expect(closed.disallowedRules).toContain('mcp__nav2__*');
      const opened = await service.http
        .post(`/api/v1/policy/tenants/${tenantId}/gates/ros.dev.gpu/open`)
        .set(operator.auth)
        .send({ reason: 'field test in bay 3', duration_s: 600 });
      expect(opened.status).toBe(200);
      const open = await scope('cluster', Environment.ENVIRONMENT_ROS_DEV_GPU);
      expect(open.allowedRules).toEqual(
        expect.arrayContaining(['mcp__ros__publish_cmd_vel', 'mcp__ros__navigate_to_pose', 'mcp__nav2']),
      );
      expect(open.openActuationGates).toEqual([Environment.ENVIRONMENT_ROS_DEV_GPU]);
      // Another environment's scope stays without them.
      expect((await scope('cluster', Environment.ENVIRONMENT_TORCH_DEV_GPU)).allowedRules).not.toContain(
        'mcp__ros__publish_cmd_vel',
      );
      const closedAgain = await service.http
        .post(`/api/v1/policy/tenants/${tenantId}/gates/ros.dev.gpu/close`)
        .set(operator.auth)
        .send({ reason: 'done' });
      expect(closedAgain.body).toEqual({ closed: true });
      expect((await scope('cluster', Environment.ENVIRONMENT_ROS_DEV_GPU)).allowedRules).not.toContain(
        'mcp__ros__publish_cmd_vel',
      );
    });

    it('should close a gate by itself at its expiry, audited', async () => {
      await service.http
        .post(`/api/v1/policy/tenants/${tenantId}/gates/ros.dev.gpu/open`)
        .set(operator.auth)
        .send({ reason: 'quick check', duration_s: 1 });
      expect((await scope('cluster', Environment.ENVIRONMENT_ROS_DEV_GPU)).openActuationGates).toHaveLength(
        1,
      );
      const deadline = Date.now() + 5000;
      let open = true;
      while (open && Date.now() < deadline) {
        open = (await scope('cluster', Environment.ENVIRONMENT_ROS_DEV_GPU)).openActuationGates.length > 0;
        if (open) await new Promise((r) => setTimeout(r, 50));
      }
      expect(open).toBe(false);
      const audit = await service.http.get(`/api/v1/policy/tenants/${tenantId}/audit`).set(operator.auth);
      const actions = (audit.body.items as Array<{ action: string }>).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['gate.opened', 'gate.closed']));
    });

    it('should refuse a gate without a reason or beyond the maximum duration', async () => {
      const path = `/api/v1/policy/tenants/${tenantId}/gates/ros.dev.gpu/open`;
      const noReason = await service.http.post(path).set(operator.auth).send({ reason: ' ', duration_s: 60 });
      expect([noReason.status, noReason.body.field]).toEqual([400, 'reason']);
      const tooLong = await service.http
        .post(path)
        .set(operator.auth)
        .send({ reason: 'x', duration_s: 10 * 86_400 });
      expect([tooLong.status, tooLong.body.field]).toEqual([400, 'duration_s']);
      expect((await service.http.post(path).set(svc.auth).send({ reason: 'x', duration_s: 60 })).status).toBe(
        403,
      );
    });
  });

  describe('experiments', () => {
    it('should assign a variant per job deterministically and return it in the agent config', async () => {
      const started = await service.http
        .post('/api/v1/policy/experiments')
        .set(admin.auth)
        .send({
          tenant_id: tenantId,
          agent_role: 'wandb',
          name: 'opus vs sonnet',
          variants: [
            { name: 'control', model: 'claude-sonnet-4-5', weight: 1 },
            { name: 'opus', model: 'claude-opus-4-1', weight: 1 },
          ],
          reason: 'quality',
        });
      expect(started.status).toBe(201);
      const config = async (jobId: string) =>
        grpc.call<GetAgentConfigResponse>(
          'getAgentConfig',
          { tenantId, agentRole: 'wandb', jobId, environment: 0 },
          svc.token,
        );
      const seen = new Map<string, GetAgentConfigResponse>();
      for (let i = 0; i < 20; i++) seen.set(`job-${i}`, await config(`job-${i}`));
      const variants = new Set([...seen.values()].map((c) => c.variant));
      expect(variants).toEqual(new Set(['control', 'opus']));
      for (const [jobId, c] of seen) {
        expect(await config(jobId)).toEqual(c);
        expect(c.model).toBe(c.variant === 'opus' ? 'claude-opus-4-1' : 'claude-sonnet-4-5');
        expect(c.experimentId).toBe(started.body.id);
        expect(c.configVersion).toBeGreaterThanOrEqual(started.body.version as number);
      }
      const duplicate = await service.http
        .post('/api/v1/policy/experiments')
        .set(admin.auth)
        .send({
          tenant_id: tenantId,
          agent_role: 'wandb',
          name: 'x',
          variants: [
            { name: 'a', model: 'm', weight: 1 },
            { name: 'b', model: 'm', weight: 1 },
          ],
          reason: 'x',
        });
      expect(duplicate.status).toBe(409);
      const stopped = await service.http
        .post(`/api/v1/policy/experiments/${started.body.id}/stop`)
        .set(admin.auth)
        .send({ reason: 'enough data' });
      expect(stopped.body).toMatchObject({ status: 'stopped', stop_reason: 'enough data' });
      expect(await config('job-0')).toMatchObject({
        variant: '',
        experimentId: '',
        model: 'claude-sonnet-4-5',
      });
    });

    it('should refuse bad variants naming them', async () => {
      const res = await service.http
        .post('/api/v1/policy/experiments')
        .set(admin.auth)
        .send({
          tenant_id: tenantId,
          agent_role: 'wandb',
          name: 'bad',
          variants: [{ name: 'Only', model: 'm', weight: 0 }],
          reason: 'x',
        });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('variants[0].weight must be an integer from 1 to 10000');
    });
  });

  describe('rate limits', () => {
    it('should limit agent spawns and admissions per minute for the tenant and role', async () => {
      const limited = (await announceTenant([service])).tenantId;
      const limitedAdmin = await caller(issuer, limited, 'tenant_admin');
      const limitedSvc = await caller(issuer, limited, 'service');
      const put = await service.http
        .put(`/api/v1/policy/tenants/${limited}/roles/lakehouse`)
        .set(limitedAdmin.auth)
        .send({
          allow: [],
          deny: [],
          rate_limits: { invocations_per_minute: 3, admissions_per_minute: 2 },
          reason: 'budget',
        });
      expect(put.status).toBe(200);
      const spawn = async () =>
        grpc.call<GetAgentConfigResponse>(
          'getAgentConfig',
          { tenantId: limited, agentRole: 'lakehouse', jobId: 'j', environment: 0 },
          limitedSvc.token,
        );
      // Three spawns fit (concurrently: the limit holds under races), the fourth does not.
      const results = await Promise.allSettled([spawn(), spawn(), spawn(), spawn()]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
      expect(refused.reason.details).toBe('role lakehouse reached its limit of 3 agent spawns per minute');
      const http = await service.http
        .get('/api/v1/policy/agent-config?agent_role=lakehouse')
        .set(limitedSvc.auth);
      expect(http.status).toBe(429);
      expect(Number(http.headers['retry-after'])).toBeGreaterThan(0);
      const admit = async () =>
        grpc.call<AdmitJobResponse>(
          'admitJob',
          {
            tenantId: limited,
            jobId: `job-${randomUUID()}`,
            environment: 1,
            gpuCount: 0,
            maxDurationS: 60,
            estimatedTokens: 0,
            agentRole: 'lakehouse',
          },
          limitedSvc.token,
        );
      const admissions = await Promise.all([admit(), admit(), admit()]);
      expect(admissions.filter((r) => r.admitted)).toHaveLength(2);
      expect(admissions.find((r) => !r.admitted)).toMatchObject({
        rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_RATE_LIMITED,
      });
      // Other roles of the tenant are not limited.
      expect(
        (
          await grpc.call<GetAgentConfigResponse>(
            'getAgentConfig',
            { tenantId: limited, agentRole: 'notebook', jobId: '', environment: 0 },
            limitedSvc.token,
          )
        ).model,
      ).toBe('claude-sonnet-4-5');
    });
  });

  describe('dry run', () => {
    it('should list the recorded calls a proposed override would have denied, forwarding the caller token', async () => {
      const res = await service.http
        .post(`/api/v1/policy/tenants/${tenantId}/roles/notebook/dry-run`)
        .set(admin.auth)
        .send({
          allow: ['WebFetch(domain:docs.ray.io)'],
          deny: ['Bash(ray job submit *)'],
          project_dir: '/work/proj',
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        tenant_id: tenantId,
        agent_role: 'notebook',
        evaluated: 5,
        denied_count: 2,
        newly_denied_count: 1,
        newly_allowed_count: 1,
        truncated: false,
      });
      const denied = (
        res.body.denied as Array<{ tool: string; input: object; rule: string | null; denied_now: boolean }>
      ).map((d) => [d.tool, d.input, d.rule, d.denied_now]);
      expect(denied).toEqual([
        ['Bash', { command: 'kubectl logs job-1 | grep ERROR' }, null, true],
        ['Bash', { command: 'ray job submit -- python train.py' }, 'Bash(ray job submit *)', false],
      ]);
      expect(res.body.denied[0].reason).toBe('no allow rule matches "grep ERROR"');
      expect(stub.calls.map((c) => c.url.searchParams.get('cursor'))).toEqual([null, 'page-2']);
      expect(stub.calls[0]!.url.searchParams.get('tenant_id')).toBe(tenantId);
      expect(stub.calls[0]!.url.searchParams.get('agent_role')).toBe('notebook');
      expect(stub.calls.every((c) => c.authorization === admin.auth.Authorization)).toBe(true);
    });

    it('should refuse an invalid proposal naming the rule, before calling the store', async () => {
      const before = stub.calls.length;
      const res = await service.http
        .post(`/api/v1/policy/tenants/${tenantId}/roles/notebook/dry-run`)
        .set(admin.auth)
        .send({ allow: [], deny: ['Bash(npm:* run)'] });
      expect([res.status, res.body.field]).toEqual([400, 'deny[0]']);
      expect(stub.calls.length).toBe(before);
    });
  });
});
