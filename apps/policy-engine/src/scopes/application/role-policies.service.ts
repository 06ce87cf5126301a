// Changing role policies: defaults (platform admins) and tenant overrides (tenant admins). Every
// change is a new immutable version with its author, reason and diff, an audit entry, and a policy
// generation bump so every replica drops what it cached; rollback writes a new version with an old
// version's content. A change that changes nothing writes nothing.
import { Injectable } from '@nestjs/common';
import { isPlatformAdmin, type Principal, type TenantScope } from '@auraison/auth';
import { PolicyError } from '../../common/domain/policy-error.js';
import { TransactionRunner } from '@auraison/api-kit';
import { AuditRepository } from '../../audit/persistence/audit.repository.js';
import { PolicyState, type ResolvedRole } from '../../policy/application/policy-state.js';
import { TenantAccess } from '../../policy/application/tenant-access.js';
import {
  AGENT_ROLE,
  diffDocuments,
  effectivePolicy,
  isEmptyDiff,
  normalizeDefaults,
  normalizeOverride,
  type EffectivePolicy,
  type FieldProblem,
  type RoleDefaults,
  type RoleOverride,
} from '../domain/role-policy.js';
import {
  RolePolicyRepository,
  type HistoryPage,
  type PolicyVersion,
} from '../persistence/role-policy.repository.js';

function invalid(problems: FieldProblem[]): PolicyError {
  return PolicyError.invalid(problems[0]!.field, problems.map((p) => p.message).join('; '));
}

function role(agentRole: string): string {
  if (!AGENT_ROLE.test(agentRole))
    throw PolicyError.invalid('agent_role', `agent_role must match ${AGENT_ROLE.source}`);
  return agentRole;
}

function platformOnly(principal: Principal): void {
  if (!isPlatformAdmin(principal))
    throw new PolicyError('permission-denied', 'only platform admins change role defaults');
}

function reasonOf(reason: string): string {
  const r = reason.trim();
  if (r === '')
    throw PolicyError.invalid('reason', 'reason is required: say why, it is kept with the version');
  return r;
}

/** A tenant's view of one role: its override (if any) and what applies. */
export interface TenantRoleView {
  override: PolicyVersion<RoleOverride> | undefined;
  effective: EffectivePolicy;
  resolved: ResolvedRole;
}

@Injectable()
export class RolePolicies {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: RolePolicyRepository,
    private readonly audit: AuditRepository,
    private readonly state: PolicyState,
    private readonly access: TenantAccess,
  ) {}

  async defaults(): Promise<PolicyVersion<RoleDefaults>[]> {
    return this.repository.currentDefaults();
  }

  async getDefault(agentRole: string): Promise<PolicyVersion<RoleDefaults>> {
    const current = await this.repository.currentDefault(role(agentRole));
    if (!current) throw PolicyError.notFound(`role ${agentRole}`, 'agent_role');
    return current;
  }

  async putDefault(principal: Principal, agentRole: string, doc: RoleDefaults, reason: string) {
    platformOnly(principal);
    const { doc: normalized, problems } = normalizeDefaults(doc);
    if (problems.length > 0) throw invalid(problems);
    return this.writeDefault(principal, role(agentRole), normalized, reasonOf(reason));
  }

  async defaultHistory(
    agentRole: string,
    limit: number,
    before?: number,
  ): Promise<HistoryPage<RoleDefaults>> {
    await this.getDefault(agentRole);
    return this.repository.defaultHistory(agentRole, limit, before);
  }

  async rollbackDefault(principal: Principal, agentRole: string, version: number, reason: string) {
    platformOnly(principal);
    const target = await this.repository.defaultVersion(role(agentRole), version);
    if (!target?.document) throw PolicyError.notFound(`version ${version} of role ${agentRole}`, 'version');
    return this.writeDefault(principal, agentRole, target.document, reasonOf(reason), version);
  }

  private async writeDefault(
    principal: Principal,
    agentRole: string,
    doc: RoleDefaults,
    reason: string,
    rollbackOf?: number,
  ): Promise<{ version: PolicyVersion<RoleDefaults>; changed: boolean }> {
    return this.transactions.run(async (tx) => {
      await this.repository.lockKey(tx, null, agentRole);
      const current = await this.repository.currentDefault(agentRole, tx);
      const diff = diffDocuments(current?.document ?? null, doc);
      if (current && isEmptyDiff(diff)) return { version: current, changed: false };
      const version = await this.repository.insertDefault(tx, {
        agentRole,
        document: doc,
        authorId: principal.subject,
        authorTenantId: principal.tenantId,
        reason,
        diff,
        ...(rollbackOf !== undefined ? { rollbackOf } : {}),
      });
      await this.audit.append(tx, {
        actorId: principal.subject,
        actorTenantId: principal.tenantId,
        tenantId: null,
        action: rollbackOf === undefined ? 'role-default.changed' : 'role-default.rolled-back',
        target: `role:${agentRole}`,
        reason,
        detail: {
          version: version.version,
          diff,
          ...(rollbackOf !== undefined ? { rollback_of: rollbackOf } : {}),
        },
      });
      await this.state.changed(tx);
      return { version, changed: true };
    });
  }

  async tenantRole(principal: Principal, tenantId: string, agentRole: string): Promise<TenantRoleView> {
    const { scope } = await this.access.resolve(principal, tenantId);
    const defaults = await this.getDefault(agentRole);
    const override = await this.repository.currentOverride(scope, agentRole);
    const current = override?.document ? override : undefined;
    const resolved = await this.state.resolve(scope.tenantId, agentRole);
    if (!resolved) throw PolicyError.notFound(`role ${agentRole}`, 'agent_role');
    return {
      override: current,
      effective: effectivePolicy(
        agentRole,
        { doc: defaults.document!, version: defaults.version },
        current ? { doc: current.document!, version: current.version } : undefined,
      ),
      resolved,
    };
  }

  async putOverride(
    principal: Principal,
    tenantId: string,
    agentRole: string,
    doc: RoleOverride,
    reason: string,
  ) {
    const { scope } = await this.access.resolve(principal, tenantId);
    await this.getDefault(agentRole);
    const { doc: normalized, problems } = normalizeOverride(doc);
    if (problems.length > 0) throw invalid(problems);
    return this.writeOverride(principal, scope, agentRole, normalized, reasonOf(reason));
  }

  async removeOverride(principal: Principal, tenantId: string, agentRole: string, reason: string) {
    const { scope } = await this.access.resolve(principal, tenantId);
    await this.getDefault(agentRole);
    return this.writeOverride(principal, scope, agentRole, null, reasonOf(reason));
  }

  async overrideHistory(
    principal: Principal,
    tenantId: string,
    agentRole: string,
    limit: number,
    before?: number,
  ): Promise<HistoryPage<RoleOverride>> {
    const { scope } = await this.access.resolve(principal, tenantId);
    return this.repository.overrideHistory(scope, role(agentRole), limit, before);
  }

  async rollbackOverride(
    principal: Principal,
    tenantId: string,
    agentRole: string,
    version: number,
    reason: string,
  ) {
    const { scope } = await this.access.resolve(principal, tenantId);
    const target = await this.repository.overrideVersion(scope, role(agentRole), version);
    if (!target) throw PolicyError.notFound(`version ${version} of the ${agentRole} override`, 'version');
    return this.writeOverride(principal, scope, agentRole, target.document, reasonOf(reason), version);
  }

  private async writeOverride(
    principal: Principal,
    scope: TenantScope,
    agentRole: string,
    doc: RoleOverride | null,
    reason: string,
    rollbackOf?: number,
  ): Promise<{ version: PolicyVersion<RoleOverride> | undefined; changed: boolean }> {
    return this.transactions.run(async (tx) => {
      await this.repository.lockKey(tx, scope.tenantId, agentRole);
      const current = await this.repository.currentOverride(scope, agentRole, tx);
      const diff = diffDocuments(current?.document ?? null, doc);
      const unchanged = doc === null ? !current?.document : current?.document != null && isEmptyDiff(diff);
      if (unchanged) return { version: current, changed: false };
      const version = await this.repository.insertOverride(scope, tx, {
        agentRole,
        document: doc,
        authorId: principal.subject,
        authorTenantId: principal.tenantId,
        reason,
        diff,
        ...(rollbackOf !== undefined ? { rollbackOf } : {}),
      });
      await this.audit.append(tx, {
        actorId: principal.subject,
        actorTenantId: principal.tenantId,
        tenantId: scope.tenantId,
        action:
          rollbackOf !== undefined
            ? 'role-override.rolled-back'
            : doc === null
              ? 'role-override.removed'
              : 'role-override.changed',
        target: `role:${agentRole}`,
        reason,
        detail: {
          version: version.version,
          diff,
          ...(rollbackOf !== undefined ? { rollback_of: rollbackOf } : {}),
        },
      });
      await this.state.changed(tx);
      return { version, changed: true };
    });
  }
}
