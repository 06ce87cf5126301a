import { Injectable } from '@nestjs/common';
import type { Principal } from '@auraison/auth';
import { TenantPeriods } from '../../common/application/tenant-periods.js';
import { RepriceRepository, type RepriceRun } from '../persistence/reprice.repository.js';

/** The audit records of re-pricing runs of a tenant (billing:read: they explain its statements). */
@Injectable()
export class ListReprices {
  constructor(
    private readonly periods: TenantPeriods,
    private readonly reprices: RepriceRepository,
  ) {}

  async execute(
    principal: Principal,
    tenantId: string | undefined,
    period: string | undefined,
  ): Promise<RepriceRun[]> {
    if (period === undefined) {
      const { scope } = await this.periods.tenant(principal, tenantId);
      return this.reprices.runs(scope);
    }
    const resolved = await this.periods.resolve(principal, tenantId, period);
    return this.reprices.runs(resolved.scope, resolved.period.startDate);
  }
}
