// The one core behind the three doors (gRPC, HTTP, NATS): the five PolicyService operations, on the
// generated request and response types. Doors authenticate, decode and map PolicyError; everything
// else (validation, tenant isolation, decisions) happens here, identically for every door.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal, TenantScope } from '@auraison/auth';
import {
  AdmitJobRejection,
  Environment,
  environmentFromName,
  environmentName,
  type AdmitJobRequest,
  type AdmitJobResponse,
  type EnvironmentName,
  type GetAgentConfigRequest,
  type GetAgentConfigResponse,
  type GetQuotaRequest,
  type GetQuotaResponse,
  type GetToolScopeRequest,
  type GetToolScopeResponse,
  type ReleaseJobRequest,
  type ReleaseJobResponse,
  type ToolScope,
} from '@auraison/contracts';
import type { TenantRecord } from '@auraison/tenancy';
import { Clock } from '../../common/application/clock.js';
import { POLICY_ENGINE_OPTIONS, type PolicyEngineOptions } from '../../common/application/options.js';
import { JOB_ID, TRACE_ID, UUID } from '../../common/domain/ids.js';
import { PolicyError } from '../../common/domain/policy-error.js';
import { TransactionRunner } from '@auraison/api-kit';
import { assignVariant } from '../../experiments/domain/assignment.js';
import { decideAdmission, type QuotaPosition } from '../../quota/domain/admission.js';
import { periodAt, type Period } from '../../quota/domain/period.js';
import { gpuHoursToMs, msToGpuHours, reservedGpuMs } from '../../quota/domain/units.js';
import { QuotaRepository, type Reservation } from '../../quota/persistence/quota.repository.js';
import { PolicyMetrics } from '../../metrics/policy-metrics.js';
import { RateLimiter } from '../../rate-limits/application/rate-limiter.js';
import { AGENT_ROLE } from '../../scopes/domain/role-policy.js';
import { joinRules, type ResolvedScope } from '../../scopes/domain/tool-scope.js';
import { PolicyState, type ResolvedRole } from './policy-state.js';
import { TenantAccess } from './tenant-access.js';

/** Largest GPU count a job may ask for (a guard against typos, far above any real cluster). */
export const MAX_GPU_COUNT = 4096;
const MAX_ESTIMATED_TOKENS = 1e12;

// Resolved scopes are cached and immutable: encode each one's answer once.
const TOOL_SCOPES = new WeakMap<ResolvedScope, ToolScope>();

export function toToolScope(scope: ResolvedScope): ToolScope {
  const cached = TOOL_SCOPES.get(scope);
  if (cached) return cached;
  const message: ToolScope = {
    allowedTools: joinRules(scope.allowedRules),
    disallowedTools: joinRules(scope.disallowedRules),
    allowedRules: scope.allowedRules,
    disallowedRules: scope.disallowedRules,
    scopeVersion: scope.scopeVersion,
    maxDurationS: scope.maxDurationS,
    lockdown: scope.lockdown,
    openActuationGates: scope.openActuationGates.map((e) => environmentFromName(e)!),
  };
  TOOL_SCOPES.set(scope, message);
  return message;
}

function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

@Injectable()
export class PolicyCore {
  constructor(
    private readonly state: PolicyState,
    private readonly access: TenantAccess,
    private readonly quota: QuotaRepository,
    private readonly transactions: TransactionRunner,
    private readonly rateLimiter: RateLimiter,
    private readonly clock: Clock,
    private readonly metrics: PolicyMetrics,
    @Inject(POLICY_ENGINE_OPTIONS) private readonly options: PolicyEngineOptions,
  ) {}

  async getToolScope(principal: Principal, request: GetToolScopeRequest): Promise<GetToolScopeResponse> {
    const role = this.agentRole(request.agentRole);
    const environment = this.environment(request.environment, false);
    const { tenant } = await this.tenant(principal, request.tenantId);
    this.assertActive(tenant);
    this.assertEnvironmentAllowed(tenant, environment);
    const resolved = await this.resolve(tenant.tenantId, role, environment);
    return { scope: toToolScope(resolved.scope) };
  }

  async getAgentConfig(
    principal: Principal,
    request: GetAgentConfigRequest,
  ): Promise<GetAgentConfigResponse> {
    const role = this.agentRole(request.agentRole);
    const environment = this.environment(request.environment, false);
    const jobId = this.jobId(request.jobId, false);
    const { tenant } = await this.tenant(principal, request.tenantId);
    this.assertActive(tenant);
    this.assertEnvironmentAllowed(tenant, environment);
    const { policy, scope } = await this.resolve(tenant.tenantId, role, environment);
    const verdict = await this.rateLimiter.take(tenant.tenantId, role, 'invocations', policy.rateLimits);
    if (!verdict.allowed)
      throw new PolicyError('resource-exhausted', verdict.message, undefined, verdict.retryAfterS);
    const experiment = jobId ? await this.state.experiment(tenant.tenantId, role) : undefined;
    const variant =
      experiment && jobId ? assignVariant(experiment.id, jobId, experiment.variants) : undefined;
    return {
      model: variant?.model ?? policy.model,
      variant: variant?.name ?? '',
      experimentId: variant ? experiment!.id : '',
      scope: toToolScope(scope),
      maxDurationS: policy.maxDurationS,
      maxTurns: policy.maxTurns,
      configVersion: Math.max(scope.scopeVersion, variant ? experiment!.version : 0),
    };
  }

  async getQuota(principal: Principal, request: GetQuotaRequest): Promise<GetQuotaResponse> {
    const { scope, tenant } = await this.tenant(principal, request.tenantId);
    const period = periodAt(this.clock.now(), tenant.quota.periodAnchorDay);
    return quotaResponse(tenant, period, await this.quota.position(scope, period.start));
  }

  async admitJob(principal: Principal, request: AdmitJobRequest): Promise<AdmitJobResponse> {
    const role = this.agentRole(request.agentRole);
    const jobId = this.jobId(request.jobId, true)!;
    const environment = this.environment(request.environment, true)!;
    if (!Number.isInteger(request.gpuCount) || request.gpuCount < 0 || request.gpuCount > MAX_GPU_COUNT)
      throw PolicyError.invalid(
        'gpu_count',
        `gpu_count must be an integer from 0 to ${MAX_GPU_COUNT} (got ${request.gpuCount})`,
      );
    if (!Number.isInteger(request.maxDurationS) || request.maxDurationS < 0)
      throw PolicyError.invalid(
        'max_duration_s',
        `max_duration_s must be >= 0 (got ${request.maxDurationS}); 0 means the tenant's default`,
      );
    if (
      !Number.isInteger(request.estimatedTokens) ||
      request.estimatedTokens < 0 ||
      request.estimatedTokens > MAX_ESTIMATED_TOKENS
    )
      throw PolicyError.invalid(
        'estimated_tokens',
        `estimated_tokens must be an integer >= 0 (got ${request.estimatedTokens})`,
      );
    if (request.userId !== undefined && request.userId !== '' && !UUID.test(request.userId))
      throw PolicyError.invalid(
        'user_id',
        `user_id must be a UUID (got ${JSON.stringify(clip(request.userId))})`,
      );
    if (request.traceId !== undefined && request.traceId !== '' && !TRACE_ID.test(request.traceId))
      throw PolicyError.invalid('trace_id', 'trace_id must be 32 lowercase hex characters');
    if (request.sessionId !== undefined && request.sessionId.length > 200)
      throw PolicyError.invalid('session_id', 'session_id is longer than 200 characters');

    const { scope, tenant } = await this.tenant(principal, request.tenantId);
    const { policy } = await this.resolve(tenant.tenantId, role, environment);
    const now = this.clock.now();
    const period = periodAt(now, tenant.quota.periodAnchorDay);

    // A job admitted before is answered with its reservation whatever changed since (idempotency):
    // checked under the admission lock, and before any refusal is recorded.
    const reject = async (
      rejection: AdmitJobRejection,
      message: string,
      known?: QuotaPosition,
    ): Promise<AdmitJobResponse> => {
      if (!known) {
        const existing = await this.quota.byJob(scope, jobId);
        if (existing) return this.replay(scope, tenant, period, existing);
      }
      await this.quota.insertDecision(this.transactions.queryable, {
        tenantId: tenant.tenantId,
        jobId,
        agentRole: role,
        operation: 'admit',
        outcome: 'rejected',
        reason: message,
        actorId: principal.subject,
        ...(request.traceId ? { traceId: request.traceId } : {}),
      });
      return {
        admitted: false,
        reservationId: '',
        rejection,
        message,
        quota: quotaResponse(tenant, period, known ?? (await this.quota.position(scope, period.start))),
      };
    };
    if (tenant.status === 'suspended')
      return reject(AdmitJobRejection.ADMIT_JOB_REJECTION_TENANT_SUSPENDED, 'the tenant is suspended');
    if (!tenant.allowedEnvironments.includes(environment))
      return reject(
        AdmitJobRejection.ADMIT_JOB_REJECTION_ENVIRONMENT_NOT_ALLOWED,
        `the tenant may not run jobs in ${environment} (allowed: ${tenant.allowedEnvironments.join(', ') || 'none'})`,
      );
    const lockdown = await this.state.lockdown(tenant.tenantId);
    if (lockdown.globalVersion || lockdown.tenantVersion)
      return reject(
        AdmitJobRejection.ADMIT_JOB_REJECTION_LOCKDOWN,
        lockdown.globalVersion ? 'a global lockdown is in force' : 'a lockdown of the tenant is in force',
      );
    const maxDurationS = request.maxDurationS || tenant.quota.defaultMaxJobDurationS;
    if (maxDurationS <= 0)
      throw PolicyError.invalid(
        'max_duration_s',
        'max_duration_s is required: the tenant has no default_max_job_duration_s',
      );
    if (maxDurationS > this.options.maxJobDurationS)
      return reject(
        AdmitJobRejection.ADMIT_JOB_REJECTION_DURATION_EXCEEDED,
        `max_duration_s ${maxDurationS} exceeds the maximum of ${this.options.maxJobDurationS} s`,
      );
    const rate = await this.rateLimiter.take(tenant.tenantId, role, 'admissions', policy.rateLimits);
    if (!rate.allowed) return reject(AdmitJobRejection.ADMIT_JOB_REJECTION_RATE_LIMITED, rate.message);

    const ask = { gpuMs: reservedGpuMs(request.gpuCount, maxDurationS), tokens: request.estimatedTokens };
    const limits = {
      gpuMs: gpuHoursToMs(tenant.quota.gpuHoursPerPeriod),
      tokens: tenant.quota.tokenBudgetPerPeriod,
      maxJobsInFlight: tenant.quota.maxJobsInFlight,
    };
    const decided = await this.transactions.run(async (tx) => {
      await this.quota.lockAccount(scope, tx);
      // A new statement, so a new snapshot: it sees every admission committed before the lock.
      const { existing, position } = await this.quota.admissionState(scope, jobId, period.start, tx);
      if (existing) return { kind: 'existing' as const, existing };
      const outcome = decideAdmission(limits, position, ask);
      if (!outcome.admitted) return { kind: 'rejected' as const, outcome, position };
      const reservation = await this.quota.insertReservation(scope, tx, {
        id: randomUUID(),
        jobId,
        agentRole: role,
        environment,
        gpuCount: request.gpuCount,
        maxDurationS,
        gpuMsReserved: ask.gpuMs,
        tokensReserved: ask.tokens,
        expiresAt: new Date(now.getTime() + (maxDurationS + this.options.reservationGraceS) * 1000),
        admittedBy: principal.subject,
        ...(request.userId ? { userId: request.userId } : {}),
        ...(request.traceId ? { traceId: request.traceId } : {}),
        ...(request.sessionId ? { sessionId: request.sessionId } : {}),
      });
      return { kind: 'admitted' as const, reservation, position };
    });
    if (decided.kind === 'existing') return this.replay(scope, tenant, period, decided.existing);
    if (decided.kind === 'rejected')
      return reject(decided.outcome.rejection, decided.outcome.message, decided.position);
    const after: QuotaPosition = {
      ...decided.position,
      jobsInFlight: decided.position.jobsInFlight + 1,
      gpuMsReserved: decided.position.gpuMsReserved + ask.gpuMs,
      tokensReserved: decided.position.tokensReserved + ask.tokens,
    };
    return {
      admitted: true,
      reservationId: decided.reservation.id,
      rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_UNSPECIFIED,
      message: `admitted: ${msToGpuHours(ask.gpuMs)} GPU-hours and ${ask.tokens} tokens reserved`,
      expiresAt: decided.reservation.expiresAt,
      quota: quotaResponse(tenant, period, after),
    };
  }

  async releaseJob(principal: Principal, request: ReleaseJobRequest): Promise<ReleaseJobResponse> {
    const jobId = this.jobId(request.jobId, true)!;
    if (request.reason.length > 1000)
      throw PolicyError.invalid('reason', 'reason is longer than 1000 characters');
    const { scope } = await this.tenant(principal, request.tenantId);
    const reason = request.reason.trim() || 'released by the caller';
    // One statement (the release and its decision): atomic without a transaction around it.
    const released = await this.quota.release(
      scope,
      this.transactions.queryable,
      jobId,
      reason,
      principal.subject,
    );
    if (released) {
      this.metrics.settlements.inc({ kind: 'released' });
      return { released: true, reservationId: released.id };
    }
    const existing = await this.quota.byJob(scope, jobId);
    return { released: false, reservationId: existing?.id ?? '' };
  }

  private async replay(
    scope: TenantScope,
    tenant: TenantRecord,
    period: Period,
    existing: Reservation,
  ): Promise<AdmitJobResponse> {
    if (existing.status !== 'open')
      throw new PolicyError(
        'already-exists',
        `job ${existing.jobId} was admitted before and its reservation ${existing.id} is ${existing.status}; admit a new job id`,
        'job_id',
      );
    return {
      admitted: true,
      reservationId: existing.id,
      rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_UNSPECIFIED,
      message: 'already admitted: the existing reservation is returned',
      expiresAt: existing.expiresAt,
      quota: quotaResponse(tenant, period, await this.quota.position(scope, period.start)),
    };
  }

  private async tenant(
    principal: Principal,
    requested: string,
  ): Promise<{ scope: TenantScope; tenant: TenantRecord }> {
    return this.access.resolve(principal, requested);
  }

  private async resolve(
    tenantId: string,
    role: string,
    environment?: EnvironmentName,
  ): Promise<ResolvedRole> {
    const resolved = await this.state.resolve(tenantId, role, environment);
    if (resolved) return resolved;
    const roles = await this.state.roles();
    throw PolicyError.invalid(
      'agent_role',
      `agent_role ${JSON.stringify(role)} has no policy (known roles: ${roles.join(', ')})`,
    );
  }

  private agentRole(value: string): string {
    if (!value) throw PolicyError.invalid('agent_role', 'agent_role is required');
    if (!AGENT_ROLE.test(value))
      throw PolicyError.invalid(
        'agent_role',
        `agent_role must match ${AGENT_ROLE.source} (got ${JSON.stringify(clip(value))})`,
      );
    return value;
  }

  private jobId(value: string, required: boolean): string | undefined {
    if (!value) {
      if (required) throw PolicyError.invalid('job_id', 'job_id is required');
      return undefined;
    }
    if (!JOB_ID.test(value))
      throw PolicyError.invalid('job_id', 'job_id must be 1-200 printable ASCII characters without spaces');
    return value;
  }

  private environment(value: Environment, required: boolean): EnvironmentName | undefined {
    if (value === Environment.ENVIRONMENT_UNSPECIFIED) {
      if (required)
        throw PolicyError.invalid('environment', 'environment is required (torch.dev.gpu or ros.dev.gpu)');
      return undefined;
    }
    const name = environmentName(value);
    if (!name) throw PolicyError.invalid('environment', `environment ${value} is not a known environment`);
    return name;
  }

  private assertActive(tenant: TenantRecord): void {
    if (tenant.status === 'suspended')
      throw new PolicyError('failed-precondition', `tenant ${tenant.tenantId} is suspended`, 'tenant_id');
  }

  private assertEnvironmentAllowed(tenant: TenantRecord, environment: EnvironmentName | undefined): void {
    if (environment && !tenant.allowedEnvironments.includes(environment))
      throw new PolicyError(
        'failed-precondition',
        `the tenant may not use ${environment} (allowed: ${tenant.allowedEnvironments.join(', ') || 'none'})`,
        'environment',
      );
  }
}

export function quotaResponse(
  tenant: TenantRecord,
  period: Period,
  position: QuotaPosition,
): GetQuotaResponse {
  const gpuLimit = gpuHoursToMs(tenant.quota.gpuHoursPerPeriod);
  const tokenLimit = tenant.quota.tokenBudgetPerPeriod;
  return {
    gpuHoursRemaining: msToGpuHours(Math.max(0, gpuLimit - position.gpuMsUsed - position.gpuMsReserved)),
    tokenBudgetRemaining: Math.max(0, tokenLimit - position.tokensUsed - position.tokensReserved),
    jobsInFlight: position.jobsInFlight,
    maxJobsInFlight: tenant.quota.maxJobsInFlight,
    gpuHoursReserved: msToGpuHours(position.gpuMsReserved),
    tokensReserved: position.tokensReserved,
    periodStart: period.start,
    periodEnd: period.end,
    gpuHoursUsed: msToGpuHours(position.gpuMsUsed),
    tokensUsed: position.tokensUsed,
    gpuHoursLimit: msToGpuHours(gpuLimit),
    tokenBudgetLimit: tokenLimit,
  };
}
