// Turns `?tenant_id=&period=` into a TenantScope (404 for another tenant's id, unless platform admin),
// the tenant as billing knows it (404 when it does not), and the billing period asked for.
import { Injectable } from '@nestjs/common';
import { invalidField, notFound } from '@auraison/api-kit';
import { TenantScope, type Principal } from '@auraison/auth';
import { TenantProjection, type TenantRecord } from '@auraison/tenancy';
import {
  normalizeAnchorDay,
  parsePeriod,
  periodContaining,
  PeriodError,
  type BillingPeriod,
} from '../domain/period.js';

export interface TenantPeriod {
  scope: TenantScope;
  tenant: TenantRecord;
  period: BillingPeriod;
}

@Injectable()
export class TenantPeriods {
  constructor(private readonly tenants: TenantProjection) {}

  async tenant(
    principal: Principal,
    tenantId?: string,
  ): Promise<{ scope: TenantScope; tenant: TenantRecord }> {
    const scope = TenantScope.of(principal, tenantId);
    const tenant = await this.tenants.get(scope.tenantId);
    if (!tenant) throw notFound('tenant');
    return { scope, tenant };
  }

  /** `period` as given, or the current period when omitted. */
  async resolve(
    principal: Principal,
    tenantId: string | undefined,
    period: string | undefined,
  ): Promise<TenantPeriod> {
    const { scope, tenant } = await this.tenant(principal, tenantId);
    const anchor = normalizeAnchorDay(tenant.quota.periodAnchorDay);
    try {
      return {
        scope,
        tenant,
        period: period === undefined ? periodContaining(new Date(), anchor) : parsePeriod(period, anchor),
      };
    } catch (err) {
      if (err instanceof PeriodError) throw invalidField('period', `period ${err.message}`);
      throw err;
    }
  }
}
