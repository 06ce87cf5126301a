// The gRPC door: auraison.mp.v1.PolicyService, the generated controller interface. The global
// AuthGuard has verified the bearer token in the `authorization` metadata and the method's permission.
import { Controller } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { PRINCIPAL_KEY, RequirePermission, type Principal } from '@auraison/auth';
import {
  PolicyServiceControllerMethods,
  type AdmitJobRequest,
  type AdmitJobResponse,
  type GetAgentConfigRequest,
  type GetAgentConfigResponse,
  type GetQuotaRequest,
  type GetQuotaResponse,
  type GetToolScopeRequest,
  type GetToolScopeResponse,
  type PolicyServiceController,
  type ReleaseJobRequest,
  type ReleaseJobResponse,
} from '@auraison/contracts';
import { GRPC_CODES, PolicyError } from '../../common/domain/policy-error.js';
import type { Operation } from '../../metrics/policy-metrics.js';
import { PolicyCore } from '../../policy/application/policy-core.js';
import { PolicyDoors, withTraceId } from '../policy-doors.js';

function principalOf(metadata: Metadata | undefined): Principal {
  const principal = (metadata as unknown as Record<string, unknown> | undefined)?.[PRINCIPAL_KEY];
  if (!principal) throw new RpcException({ code: GRPC_CODES.unauthenticated, message: 'not authenticated' });
  return principal as Principal;
}

@Controller()
@PolicyServiceControllerMethods()
export class PolicyGrpcController implements PolicyServiceController {
  constructor(
    private readonly core: PolicyCore,
    private readonly doors: PolicyDoors,
  ) {}

  @RequirePermission('policy:read')
  async getToolScope(request: GetToolScopeRequest, metadata?: Metadata): Promise<GetToolScopeResponse> {
    return this.call('get_tool_scope', async () => this.core.getToolScope(principalOf(metadata), request));
  }

  @RequirePermission('policy:read')
  async getQuota(request: GetQuotaRequest, metadata?: Metadata): Promise<GetQuotaResponse> {
    return this.call('get_quota', async () => this.core.getQuota(principalOf(metadata), request));
  }

  @RequirePermission('quota:admit')
  async admitJob(request: AdmitJobRequest, metadata?: Metadata): Promise<AdmitJobResponse> {
    const headers = { get: (name: string) => metadata?.get(name)[0]?.toString() };
    return this.call('admit_job', async () =>
      this.core.admitJob(principalOf(metadata), withTraceId(request, headers)),
    );
  }

  @RequirePermission('quota:admit')
  async releaseJob(request: ReleaseJobRequest, metadata?: Metadata): Promise<ReleaseJobResponse> {
    return this.call('release_job', async () => this.core.releaseJob(principalOf(metadata), request));
  }

  @RequirePermission('policy:read')
  async getAgentConfig(request: GetAgentConfigRequest, metadata?: Metadata): Promise<GetAgentConfigResponse> {
    return this.call('get_agent_config', async () =>
      this.core.getAgentConfig(principalOf(metadata), request),
    );
  }

  private async call<T>(operation: Operation, work: () => Promise<T>): Promise<T> {
    try {
      return await this.doors.run('grpc', operation, work);
    } catch (err) {
      if (err instanceof PolicyError)
        throw new RpcException({ code: GRPC_CODES[err.code], message: err.message });
      throw err;
    }
  }
}
