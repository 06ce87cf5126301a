// A/B experiments on a role's model: platform-wide (platform admins) or for one tenant (tenant
// admins); at most one active per role and tenant, the tenant's own taking precedence. Starting and
// stopping are audited and bump the policy generation (GetAgentConfig changes).
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isPlatformAdmin, type Principal, type TenantScope } from '@auraison/auth';
import { UUID } from '../../common/domain/ids.js';
import { PolicyError } from '../../common/domain/policy-error.js';
import { TransactionRunner } from '@auraison/api-kit';
import { AuditRepository } from '../../audit/persistence/audit.repository.js';
import { PolicyState } from '../../policy/application/policy-state.js';
import { TenantAccess } from '../../policy/application/tenant-access.js';
import { AGENT_ROLE } from '../../scopes/domain/role-policy.js';
import { validateVariants, type Variant } from '../domain/assignment.js';
import {
  ExperimentConflict,
  ExperimentRepository,
  type Experiment,
} from '../persistence/experiment.repository.js';

const MODEL = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$/;

export interface NewExperiment {
  /** Undefined: platform-wide (platform admins only). */
  tenantId?: string;
  agentRole: string;
  name: string;
  variants: Variant[];
  reason: string;
}

@Injectable()
export class Experiments {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: ExperimentRepository,
    private readonly audit: AuditRepository,
    private readonly state: PolicyState,
    private readonly access: TenantAccess,
  ) {}

  async list(principal: Principal, tenantId: string | undefined): Promise<Experiment[]> {
    const { scope } = await this.access.resolve(principal, tenantId);
    return this.repository.list(scope);
  }

  async get(principal: Principal, id: string): Promise<Experiment> {
    const e = UUID.test(id)
      ? await this.repository.get(
          isPlatformAdmin(principal) ? 'any' : (await this.access.resolve(principal, undefined)).scope,
          id,
        )
      : undefined;
    if (!e) throw PolicyError.notFound('experiment', 'id');
    return e;
  }

  async start(principal: Principal, input: NewExperiment): Promise<Experiment> {
    if (!AGENT_ROLE.test(input.agentRole))
      throw PolicyError.invalid('agent_role', `agent_role must match ${AGENT_ROLE.source}`);
    if (!(await this.state.roles()).includes(input.agentRole))
      throw PolicyError.invalid('agent_role', `agent_role ${JSON.stringify(input.agentRole)} has no policy`);
    const name = input.name.trim();
    if (name === '' || name.length > 200) throw PolicyError.invalid('name', 'name must be 1-200 characters');
    const problems = validateVariants(input.variants);
    input.variants.forEach((v, i) => {
      if (!MODEL.test(v.model))
        problems.push(`variants[${i}].model ${JSON.stringify(v.model)} is not a model id`);
    });
    if (problems.length > 0) throw PolicyError.invalid('variants', problems.join('; '));
    const reason = input.reason.trim();
    if (reason === '') throw PolicyError.invalid('reason', 'reason is required');
    let scope: TenantScope | undefined;
    if (input.tenantId !== undefined) scope = (await this.access.resolve(principal, input.tenantId)).scope;
    else if (!isPlatformAdmin(principal))
      throw new PolicyError(
        'permission-denied',
        'only platform admins start platform-wide experiments: give tenant_id',
      );
    return this.transactions.run(async (tx) => {
      let experiment: Experiment;
      try {
        experiment = await this.repository.insert(tx, {
          id: randomUUID(),
          tenantId: scope?.tenantId ?? null,
          agentRole: input.agentRole,
          name,
          variants: input.variants.map((v) => ({ name: v.name, model: v.model, weight: v.weight })),
          createdBy: principal.subject,
          reason,
        });
      } catch (e) {
        if (e instanceof ExperimentConflict)
          throw new PolicyError(
            'already-exists',
            `an experiment is already active for role ${input.agentRole}${scope ? ' in this tenant' : ' platform-wide'}: stop it first`,
            'agent_role',
          );
        throw e;
      }
      await this.audit.append(tx, {
        actorId: principal.subject,
        actorTenantId: principal.tenantId,
        tenantId: experiment.tenantId,
        action: 'experiment.started',
        target: `experiment:${experiment.id}`,
        reason,
        detail: {
          version: experiment.version,
          agent_role: experiment.agentRole,
          name,
          variants: experiment.variants,
        },
      });
      await this.state.changed(tx);
      return experiment;
    });
  }

  async stop(principal: Principal, id: string, reason: string): Promise<Experiment> {
    const why = reason.trim();
    if (why === '') throw PolicyError.invalid('reason', 'reason is required');
    const existing = await this.get(principal, id);
    if (existing.tenantId === null && !isPlatformAdmin(principal))
      throw new PolicyError('permission-denied', 'only platform admins stop platform-wide experiments');
    if (existing.status === 'stopped') return existing;
    return this.transactions.run(async (tx) => {
      const stopped = await this.repository.stop(tx, id, principal.subject, why);
      if (!stopped) return existing;
      await this.audit.append(tx, {
        actorId: principal.subject,
        actorTenantId: principal.tenantId,
        tenantId: stopped.tenantId,
        action: 'experiment.stopped',
        target: `experiment:${id}`,
        reason: why,
        detail: { version: stopped.version },
      });
      await this.state.changed(tx);
      return stopped;
    });
  }
}
