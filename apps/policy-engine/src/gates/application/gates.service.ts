// Actuation gates: an operator opens the gate of one environment of a tenant, for a bounded time and
// with a reason; while it is open, the actuation tools (robot motion) the role allows stay in the
// tenant's tool scopes for that environment. Opening, closing and expiry are audited; an expired gate
// is closed by the sweeper (and ignored by every scope from the second it expires).
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@auraison/auth';
import type { EnvironmentName } from '@auraison/contracts';
import { Clock } from '../../common/application/clock.js';
import { POLICY_ENGINE_OPTIONS, type PolicyEngineOptions } from '../../common/application/options.js';
import { PolicyError } from '../../common/domain/policy-error.js';
import { TransactionRunner } from '@auraison/api-kit';
import { AuditRepository } from '../../audit/persistence/audit.repository.js';
import { PolicyState } from '../../policy/application/policy-state.js';
import { TenantAccess } from '../../policy/application/tenant-access.js';
import { GateRepository, type Gate } from '../persistence/gate.repository.js';

const SYSTEM_ACTOR = '00000000-0000-0000-0000-000000000000';

@Injectable()
export class Gates {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: GateRepository,
    private readonly audit: AuditRepository,
    private readonly state: PolicyState,
    private readonly access: TenantAccess,
    private readonly clock: Clock,
    @Inject(POLICY_ENGINE_OPTIONS) private readonly options: PolicyEngineOptions,
  ) {}

  async list(principal: Principal, tenantId: string): Promise<Gate[]> {
    const { scope } = await this.access.resolve(principal, tenantId);
    return this.repository.open(scope, this.clock.now());
  }

  async open(
    principal: Principal,
    tenantId: string,
    environment: EnvironmentName,
    durationS: number,
    reason: string,
  ): Promise<Gate> {
    const why = reason.trim();
    if (why === '') throw PolicyError.invalid('reason', 'reason is required: say why actuation is needed');
    if (!Number.isInteger(durationS) || durationS < 1 || durationS > this.options.gateMaxDurationS)
      throw PolicyError.invalid(
        'duration_s',
        `duration_s must be an integer from 1 to ${this.options.gateMaxDurationS} (MP_GATE_MAX_DURATION_S)`,
      );
    const { scope, tenant } = await this.access.resolve(principal, tenantId);
    if (!tenant.allowedEnvironments.includes(environment))
      throw new PolicyError('failed-precondition', `the tenant may not use ${environment}`, 'environment');
    const expiresAt = new Date(this.clock.now().getTime() + durationS * 1000);
    return this.transactions.run(async (tx) => {
      const gate = await this.repository.upsert(scope, tx, {
        environment,
        openedBy: principal.subject,
        reason: why,
        expiresAt,
      });
      await this.audit.append(tx, {
        actorId: principal.subject,
        actorTenantId: principal.tenantId,
        tenantId: scope.tenantId,
        action: 'gate.opened',
        target: `gate:${environment}`,
        reason: why,
        detail: { version: gate.version, expires_at: expiresAt.toISOString(), duration_s: durationS },
      });
      await this.state.changed(tx);
      return gate;
    });
  }

  async close(
    principal: Principal,
    tenantId: string,
    environment: EnvironmentName,
    reason: string,
  ): Promise<Gate | undefined> {
    const why = reason.trim();
    if (why === '') throw PolicyError.invalid('reason', 'reason is required');
    const { scope } = await this.access.resolve(principal, tenantId);
    return this.transactions.run(async (tx) => {
      const gate = await this.repository.close(scope, tx, environment);
      if (!gate) return undefined;
      await this.audit.append(tx, {
        actorId: principal.subject,
        actorTenantId: principal.tenantId,
        tenantId: scope.tenantId,
        action: 'gate.closed',
        target: `gate:${environment}`,
        reason: why,
        detail: {
          opened_version: gate.version,
          opened_by: gate.openedBy,
          expires_at: gate.expiresAt.toISOString(),
        },
      });
      await this.state.changed(tx);
      return gate;
    });
  }

  /** Closes gates past their expiry (sweeper); returns how many. */
  async closeExpired(): Promise<number> {
    return this.transactions.run(async (tx) => {
      const expired = await this.repository.deleteExpired(tx, this.clock.now());
      for (const gate of expired)
        await this.audit.append(tx, {
          actorId: SYSTEM_ACTOR,
          actorTenantId: null,
          tenantId: gate.tenantId,
          action: 'gate.expired',
          target: `gate:${gate.environment}`,
          reason: 'the gate reached its expiry',
          detail: {
            opened_version: gate.version,
            opened_by: gate.openedBy,
            expires_at: gate.expiresAt.toISOString(),
          },
        });
      if (expired.length > 0) await this.state.changed(tx);
      return expired.length;
    });
  }
}
