import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AuditRepository } from '../audit/persistence/audit.repository.js';
import { Clock } from '../common/application/clock.js';
import { POLICY_ENGINE_OPTIONS, type PolicyEngineOptions } from '../common/application/options.js';
import { TransactionRunner } from '@auraison/api-kit';
import { PolicyDoors } from '../doors/policy-doors.js';
import { ExperimentRepository } from '../experiments/persistence/experiment.repository.js';
import { GateRepository } from '../gates/persistence/gate.repository.js';
import { LockdownRepository } from '../lockdown/persistence/lockdown.repository.js';
import { PolicyMetrics } from '../metrics/policy-metrics.js';
import { QuotaRepository } from '../quota/persistence/quota.repository.js';
import { UsageRepository } from '../quota/persistence/usage.repository.js';
import { RateLimiter } from '../rate-limits/application/rate-limiter.js';
import { RateCounterRepository } from '../rate-limits/persistence/rate-counter.repository.js';
import { RolePolicyRepository } from '../scopes/persistence/role-policy.repository.js';
import { PolicyCore } from './application/policy-core.js';
import { PolicyState } from './application/policy-state.js';
import { TenantAccess } from './application/tenant-access.js';

const PROVIDERS = [
  TransactionRunner,
  Clock,
  PolicyMetrics,
  RolePolicyRepository,
  LockdownRepository,
  GateRepository,
  ExperimentRepository,
  AuditRepository,
  QuotaRepository,
  UsageRepository,
  RateCounterRepository,
  RateLimiter,
  PolicyState,
  TenantAccess,
  PolicyCore,
  PolicyDoors,
];

/** The policy core, its state and repositories, shared by the feature modules and the doors. */
@Global()
@Module({})
export class PolicyCoreModule {
  static forRoot(options: PolicyEngineOptions): DynamicModule {
    return {
      module: PolicyCoreModule,
      providers: [{ provide: POLICY_ENGINE_OPTIONS, useValue: options }, ...PROVIDERS],
      exports: [POLICY_ENGINE_OPTIONS, ...PROVIDERS],
    };
  }
}
