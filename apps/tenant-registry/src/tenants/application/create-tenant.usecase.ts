import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PlatformScope, type Principal } from '@auraison/auth';
import type { EnvironmentName } from '@auraison/contracts';
import { conflictField, invalidField, TransactionRunner } from '@auraison/api-kit';
import { TenantEventRecorder } from '../../events/application/tenant-event.recorder.js';
import { TenantEventType } from '../../events/domain/tenant-event.js';
import { defaultNamespace, namespaceProblem } from '../domain/namespace.js';
import { DEFAULT_QUOTA, type Quota, type Tenant } from '../domain/tenant.js';
import { DuplicateTenantField, TenantRepository } from '../persistence/tenant.repository.js';

export interface CreateTenantCommand {
  slug: string;
  name: string;
  k8sNamespace?: string;
  allowedEnvironments?: EnvironmentName[];
  quota?: Quota;
}

/** A platform admin creates a tenant; TENANT_EVENT_TYPE_CREATED goes out with it. */
@Injectable()
export class CreateTenant {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly tenants: TenantRepository,
    private readonly events: TenantEventRecorder,
  ) {}

  async execute(principal: Principal, command: CreateTenantCommand): Promise<Tenant> {
    const platform = PlatformScope.of(principal);
    const k8sNamespace = command.k8sNamespace ?? defaultNamespace(command.slug);
    const problem = namespaceProblem(k8sNamespace);
    if (problem)
      throw invalidField(
        'k8s_namespace',
        command.k8sNamespace === undefined
          ? `the default namespace ${k8sNamespace} is not valid (${problem}): give k8s_namespace`
          : problem,
      );
    try {
      return await this.transactions.run(async (tx) => {
        const tenant = await this.tenants.insert(platform, tx, {
          id: randomUUID(),
          slug: command.slug,
          name: command.name,
          k8sNamespace,
          allowedEnvironments: [...(command.allowedEnvironments ?? [])].sort(),
          quota: command.quota ?? DEFAULT_QUOTA,
        });
        await this.events.record(tx, {
          type: TenantEventType.TENANT_EVENT_TYPE_CREATED,
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
