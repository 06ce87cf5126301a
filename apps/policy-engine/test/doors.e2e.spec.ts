// The three doors (gRPC, HTTP, NATS request-reply) on one core: same answers, same refusals, same
// authentication and permissions; bad input answered with a clear status naming the field; tenant
// isolation; gRPC health and reflection; the route inventory including gRPC handlers.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { listHandlers, undeclaredHandlers } from '@auraison/auth';
import {
  AdmitJobRejection,
  Environment,
  GetQuotaRequest,
  GetToolScopeRequest,
  GetToolScopeResponse,
  PolicyError,
  type AdmitJobResponse,
  type GetAgentConfigResponse,
  type GetQuotaResponse,
} from '@auraison/contracts';
import type { TestIssuer } from '@auraison/testing';
import { DataSource } from 'typeorm';
import {
  announceTenant,
  bootPolicyEngine,
  caller,
  eventually,
  grpcHealth,
  PolicyGrpcClient,
  PolicyNatsClient,
  reflectedServices,
  startIssuer,
  type Caller,
  type Service,
} from './support/harness.js';

describe('policy doors: gRPC, HTTP and NATS (real PostgreSQL and NATS)', () => {
  let issuer: TestIssuer;
  let service: Service;
  let grpc: PolicyGrpcClient;
  let nats: PolicyNatsClient;
  let tenantA: string;
  let tenantB: string;
  let tenantTorchOnly: string;
  let serviceA: Caller;
  let memberA: Caller;
  let platform: Caller;
  const unknownTenant = randomUUID();

  beforeAll(async () => {
    issuer = await startIssuer();
    service = await bootPolicyEngine(issuer);
    grpc = new PolicyGrpcClient(service.address('grpc'));
    nats = await PolicyNatsClient.connect(service.namespace);
    tenantA = (await announceTenant([service])).tenantId;
    tenantB = (await announceTenant([service])).tenantId;
    tenantTorchOnly = (
      await announceTenant([service], { environments: [Environment.ENVIRONMENT_TORCH_DEV_GPU] })
    ).tenantId;
    serviceA = await caller(issuer, tenantA, 'service');
    memberA = await caller(issuer, tenantA, 'member');
    platform = await caller(issuer, randomUUID(), 'platform_admin');
  });

  afterAll(async () => {
    grpc?.close();
    await nats?.close();
    await service?.close();
    await issuer?.close();
  });

  describe('one core behind three doors', () => {
    it("should answer the issue's HTTP tool-scope example for the notebook role", async () => {
      const res = await service.http
        .get(`/api/v1/policy/tool-scope?agent_role=notebook&tenant_id=${tenantA}`)
        .set(serviceA.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        allowed_tools: 'Bash(kubectl *),Bash(ray *),Read',
        max_duration_s: 3600,
        lockdown: false,
        open_actuation_gates: [],
      });
      expect(res.body.disallowed_rules).toContain('Bash(kubectl delete *)');
      expect(res.body.scope_version).toBeGreaterThan(0);
    });

    it('should give the same tool scope over gRPC, HTTP and NATS (protobuf and JSON)', async () => {
      const request = {
        tenantId: tenantA,
        agentRole: 'cluster',
        environment: Environment.ENVIRONMENT_ROS_DEV_GPU,
      };
      const overGrpc = await grpc.call<GetToolScopeResponse>('getToolScope', request, serviceA.token);
      const overHttp = await service.http
        .get(`/api/v1/policy/tool-scope?agent_role=cluster&tenant_id=${tenantA}&environment=ros.dev.gpu`)
        .set(serviceA.auth);
      const overNats = await nats.request(
        'GetToolScope',
        GetToolScopeRequest.encode(request).finish(),
        serviceA.token,
      );
      const overNatsJson = await nats.request(
        'GetToolScope',
        { tenant_id: tenantA, agent_role: 'cluster', environment: 'ENVIRONMENT_ROS_DEV_GPU' },
        serviceA.token,
      );
      expect(overNats.status).toBe(0);
      expect(overNatsJson.status).toBe(0);
      const scope = overGrpc.scope!;
      expect(GetToolScopeResponse.decode(overNats.data)).toEqual(overGrpc);
      expect(overHttp.body.allowed_tools).toBe(scope.allowedTools);
      expect(overHttp.body.disallowed_rules).toEqual(scope.disallowedRules);
      expect((overNatsJson.json().scope as Record<string, unknown>).allowed_tools).toBe(scope.allowedTools);
      // The cluster role may use robot motion tools, but the ros.dev.gpu gate is closed.
      expect(scope.allowedRules).not.toContain('mcp__ros__publish_cmd_vel');
      expect(scope.disallowedRules).toContain('mcp__ros__publish_cmd_vel');
    });

    it("should report the quota over all three doors with the issue's field names over HTTP", async () => {
      const overGrpc = await grpc.call<GetQuotaResponse>('getQuota', { tenantId: tenantA }, serviceA.token);
      expect(overGrpc).toMatchObject({
        gpuHoursRemaining: 100,
        tokenBudgetRemaining: 1_000_000,
        jobsInFlight: 0,
      });
      const overHttp = await service.http.get(`/api/v1/policy/quota?tenant_id=${tenantA}`).set(serviceA.auth);
      expect(overHttp.status).toBe(200);
      expect(overHttp.body).toMatchObject({
        gpu_hours_remaining: 100,
        token_budget_remaining: 1000000,
        jobs_in_flight: 0,
      });
      // An empty protobuf payload is a request with every field unset: the caller's own tenant.
      const overNats = await nats.request(
        'GetQuota',
        GetQuotaRequest.encode({ tenantId: '' }).finish(),
        serviceA.token,
      );
      expect(overNats.status).toBe(0);
    });

    it('should admit over one door and see the reservation over the others', async () => {
      const jobId = `job-${randomUUID()}`;
      const admitted = await nats.request(
        'AdmitJob',
        {
          tenant_id: tenantA,
          job_id: jobId,
          environment: 'ENVIRONMENT_TORCH_DEV_GPU',
          gpu_count: 2,
          max_duration_s: 1800,
          agent_role: 'notebook',
        },
        serviceA.token,
      );
      expect(admitted.status).toBe(0);
      expect(admitted.json()).toMatchObject({ admitted: true });
      const again = await grpc.call<AdmitJobResponse>(
        'admitJob',
        {
          tenantId: tenantA,
          jobId,
          environment: Environment.ENVIRONMENT_TORCH_DEV_GPU,
          gpuCount: 2,
          maxDurationS: 1800,
          estimatedTokens: 0,
          agentRole: 'notebook',
        },
        serviceA.token,
      );
      expect(again.reservationId).toBe(admitted.json().reservation_id);
      const quota = await service.http.get('/api/v1/policy/quota').set(serviceA.auth);
      expect(quota.body).toMatchObject({ jobs_in_flight: 1, gpu_hours_reserved: 1, gpu_hours_remaining: 99 });
      const released = await service.http
        .post('/api/v1/policy/releases')
        .set(serviceA.auth)
        .send({ job_id: jobId, reason: 'test' });
      expect(released.body).toEqual({ released: true, reservation_id: again.reservationId });
    });

    it("should record the caller's trace id with the admission decision (traceparent header)", async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const jobId = `job-${randomUUID()}`;
      const res = await service.http
        .post('/api/v1/policy/admissions')
        .set(serviceA.auth)
        .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
        .send({ job_id: jobId, environment: 'torch.dev.gpu', gpu_count: 0, agent_role: 'notebook' });
      expect(res.body.admitted).toBe(true);
      const [row] = await service.app
        .get(DataSource)
        .query(`SELECT trace_id, actor_id FROM policy.decisions WHERE job_id = $1`, [jobId]);
      expect(row.trace_id).toBe(traceId);
    });

    it('should return the agent config in one call', async () => {
      const config = await grpc.call<GetAgentConfigResponse>(
        'getAgentConfig',
        {
          tenantId: tenantA,
          agentRole: 'wandb',
          jobId: 'job-1',
          environment: Environment.ENVIRONMENT_UNSPECIFIED,
        },
        serviceA.token,
      );
      expect(config).toMatchObject({
        model: 'claude-sonnet-4-5',
        variant: '',
        maxDurationS: 900,
        maxTurns: 30,
      });
      expect(config.scope!.allowedRules).toContain('WebFetch(domain:api.wandb.ai)');
      expect(config.configVersion).toBeGreaterThanOrEqual(config.scope!.scopeVersion);
    });
  });

  describe('bad input', () => {
    const admit = (over: Record<string, unknown>) => ({
      tenantId: tenantA,
      jobId: `job-${randomUUID()}`,
      environment: Environment.ENVIRONMENT_TORCH_DEV_GPU,
      gpuCount: 1,
      maxDurationS: 60,
      estimatedTokens: 10,
      agentRole: 'notebook',
      ...over,
    });

    it.each([
      [
        'an unknown tenant',
        () => admit({ tenantId: unknownTenant }),
        GrpcStatus.NOT_FOUND,
        /tenant .* is not known to the policy engine/,
      ],
      [
        'an unknown role',
        () => admit({ agentRole: 'astrologer' }),
        GrpcStatus.INVALID_ARGUMENT,
        /agent_role "astrologer" has no policy \(known roles: cluster, lakehouse, notebook, wandb\)/,
      ],
      [
        'negative GPUs',
        () => admit({ gpuCount: -1 }),
        GrpcStatus.INVALID_ARGUMENT,
        /gpu_count must be an integer from 0 to 4096 \(got -1\)/,
      ],
      ['a missing job id', () => admit({ jobId: '' }), GrpcStatus.INVALID_ARGUMENT, /job_id is required/],
      [
        'a missing role',
        () => admit({ agentRole: '' }),
        GrpcStatus.INVALID_ARGUMENT,
        /agent_role is required/,
      ],
      [
        'a missing environment',
        () => admit({ environment: Environment.ENVIRONMENT_UNSPECIFIED }),
        GrpcStatus.INVALID_ARGUMENT,
        /environment is required/,
      ],
      [
        'a negative token estimate',
        () => admit({ estimatedTokens: -5 }),
        GrpcStatus.INVALID_ARGUMENT,
        /estimated_tokens must be an integer >= 0/,
      ],
      [
        'a malformed tenant id',
        () => admit({ tenantId: 'acme' }),
        GrpcStatus.INVALID_ARGUMENT,
        /tenant_id must be a UUID/,
      ],
    ])(
      'should refuse AdmitJob with %s over gRPC with a clear status',
      async (_what, request, code, message) => {
        const err = await grpc.error('admitJob', request(), platform.token);
        expect(err.code).toBe(code);
        expect(err.details).toMatch(message);
      },
    );

    it.each([
      [
        'an unknown tenant',
        { tenant_id: unknownTenant },
        404,
        'tenant_id',
        /is not known to the policy engine/,
      ],
      ['an unknown role', { agent_role: 'astrologer' }, 400, 'agent_role', /has no policy/],
      ['negative GPUs', { gpu_count: -1 }, 400, 'gpu_count', /gpu_count must be an integer from 0 to 4096/],
      ['a missing job id', { job_id: undefined }, 400, undefined, /job_id must be a string/],
      ['a missing environment', { environment: undefined }, 400, undefined, /environment must be one of/],
      [
        'an unknown environment',
        { environment: 'mars.dev.gpu' },
        400,
        undefined,
        /environment must be one of/,
      ],
      ['a smuggled field', { tenant: 'x' }, 400, undefined, /property tenant should not exist/],
    ])(
      'should refuse POST /admissions with %s with HTTP %i naming the field',
      async (_what, over, status, field, message) => {
        const body = {
          job_id: `job-${randomUUID()}`,
          environment: 'torch.dev.gpu',
          gpu_count: 1,
          agent_role: 'notebook',
          ...over,
        };
        const res = await service.http
          .post('/api/v1/policy/admissions')
          .set(platform.auth)
          .send({ tenant_id: tenantA, ...body });
        expect(res.status).toBe(status);
        expect(JSON.stringify(res.body.message)).toMatch(message);
        if (field) expect(res.body.field).toBe(field);
      },
    );

    it('should reject a disallowed environment with the reason, and refuse it in a tool scope', async () => {
      const torchOnly = await caller(issuer, tenantTorchOnly, 'service');
      const rejected = await grpc.call<AdmitJobResponse>(
        'admitJob',
        {
          tenantId: tenantTorchOnly,
          jobId: `job-${randomUUID()}`,
          environment: Environment.ENVIRONMENT_ROS_DEV_GPU,
          gpuCount: 1,
          maxDurationS: 60,
          estimatedTokens: 0,
          agentRole: 'cluster',
        },
        torchOnly.token,
      );
      expect(rejected).toMatchObject({
        admitted: false,
        rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_ENVIRONMENT_NOT_ALLOWED,
        message: 'the tenant may not run jobs in ros.dev.gpu (allowed: torch.dev.gpu)',
      });
      const scope = await grpc.error(
        'getToolScope',
        { tenantId: tenantTorchOnly, agentRole: 'cluster', environment: Environment.ENVIRONMENT_ROS_DEV_GPU },
        torchOnly.token,
      );
      expect(scope.code).toBe(GrpcStatus.FAILED_PRECONDITION);
      const http = await service.http
        .get(`/api/v1/policy/tool-scope?agent_role=cluster&environment=ros.dev.gpu`)
        .set(torchOnly.auth);
      expect(http.status).toBe(400);
      expect(http.body).toMatchObject({
        field: 'environment',
        message: 'the tenant may not use ros.dev.gpu (allowed: torch.dev.gpu)',
      });
    });

    it('should answer a NATS request that cannot be decoded with INVALID_ARGUMENT and a PolicyError body', async () => {
      const garbage = await nats.request('AdmitJob', Buffer.from([0xff, 0xff, 0xff]), serviceA.token);
      expect([garbage.status, garbage.statusName]).toEqual([GrpcStatus.INVALID_ARGUMENT, 'INVALID_ARGUMENT']);
      expect(PolicyError.decode(garbage.data)).toMatchObject({ code: 3, status: 'INVALID_ARGUMENT' });
      const badJson = await nats.request('AdmitJob', { gpu_count: 'many' }, serviceA.token);
      expect(badJson.status).toBe(GrpcStatus.INVALID_ARGUMENT);
      expect(badJson.json()).toMatchObject({ code: 3, status: 'INVALID_ARGUMENT' });
      expect(String(badJson.json().message)).toContain('gpu_count');
      const negative = await nats.request(
        'AdmitJob',
        { job_id: 'j1', environment: 'ENVIRONMENT_TORCH_DEV_GPU', gpu_count: -2, agent_role: 'notebook' },
        serviceA.token,
      );
      expect(negative.json()).toMatchObject({ code: 3, field: 'gpu_count' });
    });

    it('should answer an unknown NATS method and the bare subject with UNIMPLEMENTED and directions', async () => {
      const unknown = await nats.request('Teleport', {}, serviceA.token);
      expect(unknown.status).toBe(GrpcStatus.UNIMPLEMENTED);
      expect(unknown.error).toContain('mp.policy.requests.<Method>');
      const bare = await nats.request('', {}, serviceA.token, 'mp.policy.requests');
      expect(bare.status).toBe(GrpcStatus.UNIMPLEMENTED);
    });
  });

  describe('authentication and tenant isolation', () => {
    it('should refuse a call without a token on every door', async () => {
      expect((await grpc.error('getQuota', { tenantId: tenantA })).code).toBe(GrpcStatus.UNAUTHENTICATED);
      expect((await service.http.get('/api/v1/policy/quota')).status).toBe(401);
      expect((await nats.request('GetQuota', {})).status).toBe(GrpcStatus.UNAUTHENTICATED);
      expect((await nats.request('GetQuota', {}, 'not.a.jwt')).status).toBe(GrpcStatus.UNAUTHENTICATED);
    });

    it('should deny a member of tenant A asking about tenant B on every door, as if B did not exist', async () => {
      const err = await grpc.error(
        'getToolScope',
        { tenantId: tenantB, agentRole: 'notebook', environment: 0 },
        memberA.token,
      );
      expect([err.code, err.details]).toEqual([GrpcStatus.NOT_FOUND, 'tenant not found']);
      expect((await grpc.error('getQuota', { tenantId: tenantB }, memberA.token)).code).toBe(
        GrpcStatus.NOT_FOUND,
      );
      const http = await service.http.get(`/api/v1/policy/quota?tenant_id=${tenantB}`).set(memberA.auth);
      expect([http.status, http.body.message]).toEqual([404, 'tenant not found']);
      const overNats = await nats.request('GetQuota', { tenant_id: tenantB }, memberA.token);
      expect([overNats.status, overNats.error]).toEqual([GrpcStatus.NOT_FOUND, 'tenant not found']);
      for (const path of [
        `/api/v1/policy/tenants/${tenantB}/roles/notebook`,
        `/api/v1/policy/tenants/${tenantB}/gates`,
        `/api/v1/policy/tenants/${tenantB}/audit`,
        `/api/v1/policy/tenants/${tenantB}/reservations`,
        `/api/v1/policy/lockdown?tenant_id=${tenantB}`,
      ])
        expect({ path, status: (await service.http.get(path).set(memberA.auth)).status }).toEqual({
          path,
          status: 404,
        });
    });

    it('should let a platform admin ask about any tenant', async () => {
      const res = await service.http.get(`/api/v1/policy/quota?tenant_id=${tenantB}`).set(platform.auth);
      expect(res.status).toBe(200);
    });

    it('should refuse a member admitting jobs (quota:admit) on every door', async () => {
      const request = {
        tenantId: tenantA,
        jobId: 'j',
        environment: 1,
        gpuCount: 0,
        maxDurationS: 60,
        estimatedTokens: 0,
        agentRole: 'notebook',
      };
      expect((await grpc.error('admitJob', request, memberA.token)).code).toBe(GrpcStatus.PERMISSION_DENIED);
      const http = await service.http
        .post('/api/v1/policy/admissions')
        .set(memberA.auth)
        .send({ job_id: 'j', environment: 'torch.dev.gpu', gpu_count: 0, agent_role: 'notebook' });
      expect(http.status).toBe(403);
      const overNats = await nats.request('AdmitJob', { job_id: 'j' }, memberA.token);
      expect([overNats.status, overNats.error]).toEqual([
        GrpcStatus.PERMISSION_DENIED,
        'this operation needs the permission quota:admit',
      ]);
    });

    it('should let a service token query policy but not change it', async () => {
      expect((await service.http.get('/api/v1/policy/roles').set(serviceA.auth)).status).toBe(200);
      expect(
        (await service.http.get(`/api/v1/policy/tenants/${tenantA}/roles/notebook`).set(serviceA.auth))
          .status,
      ).toBe(200);
      const writes: Array<[string, string, object]> = [
        [
          'put',
          `/api/v1/policy/tenants/${tenantA}/roles/notebook`,
          { allow: ['Bash'], deny: [], reason: 'x' },
        ],
        [
          'put',
          '/api/v1/policy/roles/notebook',
          { allow: [], deny: [], max_duration_s: 1, max_turns: 1, model: 'm', reason: 'x' },
        ],
        ['post', `/api/v1/policy/tenants/${tenantA}/lockdown`, { reason: 'x' }],
        ['post', '/api/v1/policy/lockdown', { reason: 'x' }],
        ['post', `/api/v1/policy/tenants/${tenantA}/gates/ros.dev.gpu/open`, { reason: 'x', duration_s: 60 }],
        [
          'post',
          '/api/v1/policy/experiments',
          { agent_role: 'notebook', name: 'x', variants: [], reason: 'x' },
        ],
      ];
      for (const [method, path, body] of writes) {
        const res = await (method === 'put' ? service.http.put(path) : service.http.post(path))
          .set(serviceA.auth)
          .send(body);
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
      }
      const [{ n }] = await service.app
        .get((await import('typeorm')).DataSource)
        .query(`SELECT count(*)::int AS n FROM policy.audit_log WHERE tenant_id = $1 OR tenant_id IS NULL`, [
          tenantA,
        ]);
      expect(n).toBe(0);
    });
  });

  describe('gRPC health, reflection and the route inventory', () => {
    it('should report SERVING on the standard health service once ready', async () => {
      await service.waitReady();
      const status = await eventually(async () => {
        const s = await grpcHealth(service.address('grpc'), 'auraison.mp.v1.PolicyService');
        return s === 'SERVING' ? s : undefined;
      });
      expect(status).toBe('SERVING');
      expect(await grpcHealth(service.address('grpc'), '')).toBe('SERVING');
    });

    it('should list PolicyService through server reflection', async () => {
      expect(await reflectedServices(service.address('grpc'))).toContain('auraison.mp.v1.PolicyService');
    });

    it('should declare a permission on every HTTP route and gRPC method, as documented', () => {
      expect(undeclaredHandlers(service.app)).toEqual([]);
      const declared = Object.fromEntries(
        listHandlers(service.app)
          .filter((h) => h.permission)
          .map((h) => [h.route, h.permission]),
      );
      const rpc = (method: string) =>
        JSON.stringify([{ service: 'PolicyService', rpc: method, streaming: 'no_stream' }]);
      expect(declared).toEqual({
        [rpc('getToolScope')]: 'policy:read',
        [rpc('getQuota')]: 'policy:read',
        [rpc('admitJob')]: 'quota:admit',
        [rpc('releaseJob')]: 'quota:admit',
        [rpc('getAgentConfig')]: 'policy:read',
        'GET /api/v1/policy/tool-scope': 'policy:read',
        'GET /api/v1/policy/quota': 'policy:read',
        'GET /api/v1/policy/agent-config': 'policy:read',
        'POST /api/v1/policy/admissions': 'quota:admit',
        'POST /api/v1/policy/releases': 'quota:admit',
        'GET /api/v1/policy/roles': 'policy:read',
        'GET /api/v1/policy/roles/:role': 'policy:read',
        'PUT /api/v1/policy/roles/:role': 'policy:write',
        'GET /api/v1/policy/roles/:role/history': 'policy:read',
        'POST /api/v1/policy/roles/:role/rollback': 'policy:write',
        'GET /api/v1/policy/tenants/:tenantId/roles/:role': 'policy:read',
        'PUT /api/v1/policy/tenants/:tenantId/roles/:role': 'policy:write',
        'DELETE /api/v1/policy/tenants/:tenantId/roles/:role': 'policy:write',
        'GET /api/v1/policy/tenants/:tenantId/roles/:role/history': 'policy:read',
        'POST /api/v1/policy/tenants/:tenantId/roles/:role/rollback': 'policy:write',
        'POST /api/v1/policy/tenants/:tenantId/roles/:role/dry-run': 'policy:read',
        'GET /api/v1/policy/lockdown': 'policy:read',
        'POST /api/v1/policy/lockdown': 'policy:lockdown-global',
        'POST /api/v1/policy/lockdown/lift': 'policy:lockdown-global',
        'POST /api/v1/policy/tenants/:tenantId/lockdown': 'policy:lockdown',
        'POST /api/v1/policy/tenants/:tenantId/lockdown/lift': 'policy:lockdown',
        'GET /api/v1/policy/tenants/:tenantId/gates': 'policy:read',
        'POST /api/v1/policy/tenants/:tenantId/gates/:environment/open': 'policy:gates',
        'POST /api/v1/policy/tenants/:tenantId/gates/:environment/close': 'policy:gates',
        'GET /api/v1/policy/experiments': 'policy:read',
        'POST /api/v1/policy/experiments': 'policy:write',
        'GET /api/v1/policy/experiments/:id': 'policy:read',
        'POST /api/v1/policy/experiments/:id/stop': 'policy:write',
        'GET /api/v1/policy/tenants/:tenantId/audit': 'policy:read',
        'GET /api/v1/policy/audit': 'policy:read',
        'GET /api/v1/policy/tenants/:tenantId/reservations': 'policy:read',
      });
    });

    it("should document the HTTP API in OpenAPI, with the issue's routes and fields", async () => {
      const doc = await service.http.get('/api/docs/openapi.json');
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths as object)).toEqual(
        expect.arrayContaining([
          '/api/v1/policy/tool-scope',
          '/api/v1/policy/quota',
          '/api/v1/policy/admissions',
        ]),
      );
      const schemas = doc.body.components.schemas as Record<string, { properties: Record<string, unknown> }>;
      expect(Object.keys(schemas.QuotaResponseDto!.properties)).toEqual(
        expect.arrayContaining(['gpu_hours_remaining', 'token_budget_remaining', 'jobs_in_flight']),
      );
      expect(Object.keys(schemas.ToolScopeResponseDto!.properties)).toEqual(
        expect.arrayContaining(['allowed_tools', 'max_duration_s']),
      );
    });

    it('should count decisions by door, outcome and reason in /metrics', async () => {
      const res = await service.http.get('/metrics');
      expect(res.text).toMatch(
        /mp_policy_decisions_total\{operation="get_tool_scope",door="grpc",outcome="ok",reason="ok",service="policy-engine"\} [1-9]/,
      );
      expect(res.text).toMatch(
        /mp_policy_decisions_total\{operation="admit_job",door="grpc",outcome="error",reason="invalid-argument"/,
      );
      expect(res.text).toMatch(
        /mp_policy_decisions_total\{operation="admit_job",door="grpc",outcome="rejected",reason="environment_not_allowed"/,
      );
      const bucket = res.text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('mp_policy_decision_duration_seconds_bucket{') &&
            l.includes('le="0.001"') &&
            l.includes('operation="get_tool_scope"') &&
            l.includes('door="grpc"'),
        );
      expect(bucket).toMatch(/ \d+$/);
      expect(res.text).toMatch(/mp_policy_reservations_outstanding\{service="policy-engine"\} \d+/);
    });
  });
});
