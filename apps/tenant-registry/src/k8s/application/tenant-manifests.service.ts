// Loads what the manifests are rendered from: the tenant and its enabled service accounts.
import { Injectable } from '@nestjs/common';
import { TenantScope, type Principal } from '@auraison/auth';
import { notFound } from '@auraison/api-kit';
import { ServiceAccountRepository } from '../../service-accounts/persistence/service-account.repository.js';
import { TenantRepository } from '../../tenants/persistence/tenant.repository.js';
import { manifestsToYaml, renderTenantManifests, type KubernetesObject } from '../domain/manifests.js';

@Injectable()
export class TenantManifests {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly accounts: ServiceAccountRepository,
  ) {}

  /** GET /tenants/:id/k8s-manifests */
  async yamlFor(principal: Principal, tenantId: string): Promise<string> {
    const objects = await this.render(TenantScope.of(principal, tenantId));
    if (!objects) throw notFound('tenant');
    return manifestsToYaml(objects);
  }

  /** For the reconciler (no caller); undefined when the tenant does not exist. */
  async forReconcile(tenantId: string): Promise<KubernetesObject[] | undefined> {
    return this.render(TenantScope.system(tenantId));
  }

  async tenantIds(): Promise<string[]> {
    return this.tenants.idsForResync();
  }

  private async render(scope: TenantScope): Promise<KubernetesObject[] | undefined> {
    const tenant = await this.tenants.get(scope);
    if (!tenant) return undefined;
    const serviceAccounts = await this.accounts.listEnabled(scope);
    return renderTenantManifests({ tenant, serviceAccounts });
  }
}
