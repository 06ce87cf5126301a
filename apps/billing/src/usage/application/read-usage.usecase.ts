import { Injectable } from '@nestjs/common';
import { notFound } from '@auraison/api-kit';
import { PlatformScope, isPlatformAdmin, type Principal } from '@auraison/auth';
import { TenantPeriods, type TenantPeriod } from '../../common/application/tenant-periods.js';
import { PriceBookService } from '../../price-book/application/price-book.service.js';
import type { PriceBook } from '../../price-book/domain/price-book.js';
import {
  UsageRepository,
  type AdjustmentRow,
  type Breakdowns,
  type LedgerRow,
  type UnpricedGroup,
} from '../persistence/usage.repository.js';

export interface UsageReport extends TenantPeriod, Breakdowns {}

export interface JobCost {
  tenantId: string;
  jobId: string;
  lines: LedgerRow[];
  adjustments: AdjustmentRow[];
  /** The price book, to show the rate each line used. */
  book: PriceBook;
}

/** The read side of the ledger: a tenant's period with breakdowns, one job's lines, unpriced usage. */
@Injectable()
export class ReadUsage {
  constructor(
    private readonly periods: TenantPeriods,
    private readonly usage: UsageRepository,
    private readonly books: PriceBookService,
  ) {}

  async period(
    principal: Principal,
    tenantId: string | undefined,
    period: string | undefined,
    limit: number,
  ): Promise<UsageReport> {
    const resolved = await this.periods.resolve(principal, tenantId, period);
    return {
      ...resolved,
      ...(await this.usage.breakdowns(resolved.scope, resolved.period.startDate, limit)),
    };
  }

  async job(principal: Principal, tenantId: string | undefined, jobId: string): Promise<JobCost> {
    const { scope } = await this.periods.tenant(principal, tenantId);
    const [lines, adjustments, book] = await Promise.all([
      this.usage.jobLines(scope, jobId),
      this.usage.jobAdjustments(scope, jobId),
      this.books.current(),
    ]);
    if (lines.length === 0) throw notFound('job');
    return { tenantId: scope.tenantId, jobId, lines, adjustments, book };
  }

  /**
   * Unpriced usage: of one tenant (the caller's own by default), or of every tenant for a platform
   * admin who names none.
   */
  async unpriced(
    principal: Principal,
    tenantId: string | undefined,
    period: string | undefined,
  ): Promise<UnpricedGroup[]> {
    if (tenantId === undefined && period === undefined && isPlatformAdmin(principal))
      return this.usage.unpricedEverywhere(PlatformScope.of(principal));
    if (period === undefined) {
      const { scope } = await this.periods.tenant(principal, tenantId);
      return this.usage.unpriced(scope);
    }
    const resolved = await this.periods.resolve(principal, tenantId, period);
    return this.usage.unpriced(resolved.scope, resolved.period.startDate);
  }
}
