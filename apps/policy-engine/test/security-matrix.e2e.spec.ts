// Every policy-engine HTTP route and gRPC method, from its own route table, against no token, an expired
// token, each role and a foreign tenant's administrator: the outcomes the permission table predicts
// (libs/app-testing).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failures, runGrpcSecurityMatrix, runSecurityMatrix, type MatrixCell } from '@auraison/app-testing';
import {
  Environment,
  type AdmitJobRequest,
  type GetAgentConfigRequest,
  type GetQuotaRequest,
  type GetToolScopeRequest,
  type ReleaseJobRequest,
} from '@auraison/contracts';
import type { ServiceError } from '@grpc/grpc-js';
import type { TestIssuer } from '@auraison/testing';
import {
  announceTenant,
  bootPolicyEngine,
  PolicyGrpcClient,
  startIssuer,
  type Service,
} from './support/harness.js';

/** A well-formed minimal request per method, so answers are about access (empty tenant = the caller's). */
const TORCH = Environment.ENVIRONMENT_TORCH_DEV_GPU;
const tool: GetToolScopeRequest = { tenantId: '', agentRole: 'notebook', environment: TORCH };
const quota: GetQuotaRequest = { tenantId: '' };
const admit: AdmitJobRequest = {
  tenantId: '',
  jobId: 'matrix-job',
  environment: TORCH,
  gpuCount: 0,
  maxDurationS: 60,
  estimatedTokens: 1,
  agentRole: 'notebook',
};
const release: ReleaseJobRequest = { tenantId: '', jobId: 'matrix-job', reason: 'matrix' };
const config: GetAgentConfigRequest = {
  tenantId: '',
  agentRole: 'notebook',
  jobId: 'matrix-job',
  environment: TORCH,
};
const REQUESTS: Record<string, unknown> = {
  getToolScope: tool,
  getQuota: quota,
  admitJob: admit,
  releaseJob: release,
  getAgentConfig: config,
};

describe('policy-engine security matrix (real PostgreSQL and NATS)', () => {
  let issuer: TestIssuer;
  let service: Service;
  let grpc: PolicyGrpcClient;
  let http: MatrixCell[];
  let rpc: MatrixCell[];

  beforeAll(async () => {
    issuer = await startIssuer();
    service = await bootPolicyEngine(issuer);
    grpc = new PolicyGrpcClient(service.address('grpc'));
    const tenant = await announceTenant([service]);
    const foreign = await announceTenant([service]);
    const token = async (claims: Parameters<TestIssuer['token']>[0]) => issuer.token(claims);
    http = await runSecurityMatrix({
      service,
      token,
      tenantId: tenant.tenantId,
      foreignTenantId: foreign.tenantId,
    });
    rpc = await runGrpcSecurityMatrix({
      service,
      token,
      tenantId: tenant.tenantId,
      foreignTenantId: foreign.tenantId,
      call: async (method, bearer, tenantId = '') => {
        try {
          const request = { ...(REQUESTS[method] as object), tenantId };
          await grpc.call(method as Parameters<PolicyGrpcClient['call']>[0], request, bearer);
          return 0;
        } catch (e) {
          return (e as ServiceError).code;
        }
      },
    });
  }, 180_000);

  afterAll(async () => {
    grpc?.close();
    await service?.close();
    await issuer?.close();
  });

  it('should cover every HTTP route and all five gRPC methods with every kind of caller', () => {
    expect(new Set(http.map((c) => c.route)).size).toBeGreaterThan(15);
    expect([...new Set(rpc.map((c) => c.route))].sort()).toEqual([
      'gRPC PolicyService/AdmitJob',
      'gRPC PolicyService/GetAgentConfig',
      'gRPC PolicyService/GetQuota',
      'gRPC PolicyService/GetToolScope',
      'gRPC PolicyService/ReleaseJob',
    ]);
  });

  it('should answer every HTTP cell as the permission table says', () => {
    expect(failures(http)).toEqual([]);
  });

  it('should answer every gRPC cell as the permission table says', () => {
    expect(failures(rpc)).toEqual([]);
  });
});
