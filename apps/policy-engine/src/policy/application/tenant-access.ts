// Which tenant a request is about, as the caller may see it: the caller's own tenant by default,
// another tenant only for platform admins (anyone else gets 404, as if it did not exist), and only
// tenants the policy engine has heard of through mp.tenant.events.
import { Injectable } from '@nestjs/common';
import { isPlatformAdmin, TenantScope, type Principal } from '@auraison/auth';
import { TenantProjection, type TenantRecord } from '@auraison/tenancy';
import { UUID } from '../../common/domain/ids.js';
import { PolicyError } from '../../common/domain/policy-error.js';

@Injectable()
export class TenantAccess {
  constructor(private readonly projection: TenantProjection) {}

  async resolve(
    principal: Principal,
    requested: string | undefined,
  ): Promise<{ scope: TenantScope; tenant: TenantRecord }> {
    const tenantId = (requested || principal.tenantId).toLowerCase();
    if (!UUID.test(tenantId))
      throw PolicyError.invalid(
        'tenant_id',
        `tenant_id must be a UUID (got ${JSON.stringify(tenantId.slice(0, 60))})`,
      );
    if (tenantId !== principal.tenantId.toLowerCase() && !isPlatformAdmin(principal))
      throw new PolicyError('not-found', 'tenant not found', 'tenant_id');
    const tenant = await this.projection.get(tenantId);
    if (!tenant)
      throw new PolicyError(
        'not-found',
        `tenant ${tenantId} is not known to the policy engine (no TenantEvent has announced it)`,
        'tenant_id',
      );
    return { scope: TenantScope.of(principal, tenant.tenantId), tenant };
  }
}
