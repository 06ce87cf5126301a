import { Injectable } from '@nestjs/common';
import { isPlatformAdmin, TenantScope, type Principal } from '@auraison/auth';
import type { EnvironmentName } from '@auraison/contracts';
import { conflictField, forbiddenField, invalidField, notFound, TransactionRunner } from '@auraison/api-kit';
import { TenantEventRecorder } from '../../events/application/tenant-event.recorder.js';
import { TenantEventType } from '../../events/domain/tenant-event.js';
import { namespaceProblem } from '../domain/namespace.js';
import type { Tenant } from '../domain/tenant.js';
import { forbiddenPatchField, patchIsNoop, type TenantPatch } from '../domain/tenant-rules.js';
import { DuplicateTenantField, TenantRepository } from '../persistence/tenant.repository.js';

/** PATCH /tenants/:id: a tenant admin renames its tenant; a platform admin may change more. */
@Injectable()
export class UpdateTenant {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly tenants: TenantRepository,
    private readonly events: TenantEventRecorder,
  ) {}

  async execute(principal: Principal, tenantId: string, patch: TenantPatch): Promise<Tenant> {
    const scope = TenantScope.of(principal, tenantId);
    const forbidden = forbiddenPatchField(patch, isPlatformAdmin(principal));
    if (forbidden) throw forbiddenField(forbidden, `${forbidden} may only be changed by a platform admin`);
    if (patch.k8sNamespace !== undefined) {
      const problem = namespaceProblem(patch.k8sNamespace);
      if (problem) throw invalidField('k8s_namespace', problem);
    }
    try {
      return await this.transactions.run(async (tx) => {
        const current = await this.tenants.lock(scope, tx);
        if (!current) throw notFound('tenant');
        if (patchIsNoop(current, patch)) return current;
        const tenant = await this.tenants.update(scope, tx, {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.k8sNamespace !== undefined ? { k8sNamespace: patch.k8sNamespace } : {}),
          ...(patch.allowedEnvironments !== undefined
            ? { allowedEnvironments: [...patch.allowedEnvironments].sort() as EnvironmentName[] }
            : {}),
        });
        await this.events.record(tx, {
          type: TenantEventType.TENANT_EVENT_TYPE_UPDATED,
          tenant,
          actorId: principal.subject,
        });
        return tenant;
      });
    } catch (err) {
      if (err instanceof DuplicateTenantField)
        throw conflictField(err.field, `${err.field} is already used by another tenant`);
      throw err;
    }
  }
}
