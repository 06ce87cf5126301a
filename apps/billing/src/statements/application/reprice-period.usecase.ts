import { Injectable } from '@nestjs/common';
import { conflictField, TransactionRunner } from '@auraison/api-kit';
import { PlatformScope, type Principal } from '@auraison/auth';
import { TenantPeriods } from '../../common/application/tenant-periods.js';
import { BudgetAlertRelay } from '../../budgets/application/budget-alert-relay.service.js';
import { priceLine } from '../../ledger/domain/usage-line.js';
import { PriceBookService } from '../../price-book/application/price-book.service.js';
import { PriceBookRepository } from '../../price-book/persistence/price-book.repository.js';
import { RepriceRepository, type Adjustment, type RepriceRun } from '../persistence/reprice.repository.js';

const CHUNK = 2000;

/**
 * Re-prices a tenant's period with the current price book (billing:reprice, platform admins): for every
 * priced line whose cost under the rate now in force at its timestamp differs from what it costs so far,
 * an adjustment line with the difference per token class; the run is recorded with its author, reason,
 * price-book version and totals. Lines are never rewritten. Lines whose rate has since been withdrawn
 * entirely are left as they are. Unpriced lines are the unpriced-usage job's business.
 */
@Injectable()
export class RepricePeriod {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly periods: TenantPeriods,
    private readonly prices: PriceBookRepository,
    private readonly books: PriceBookService,
    private readonly reprices: RepriceRepository,
    private readonly relay: BudgetAlertRelay,
  ) {}

  async execute(
    principal: Principal,
    tenantId: string,
    periodText: string,
    reason: string,
  ): Promise<RepriceRun> {
    PlatformScope.of(principal);
    const { scope, period } = await this.periods.resolve(principal, tenantId, periodText);
    if (period.start.getTime() > Date.now())
      throw conflictField('period', `period ${period.label} has not started: there is nothing to re-price`);
    return this.transactions.run(async (tx) => {
      await this.prices.lockForPricing(tx);
      await this.reprices.lockPeriod(scope, tx, period.startDate);
      const version = await this.prices.currentVersion(tx);
      const book = await this.books.atVersion(version, tx);
      const id = await this.reprices.nextRunId(tx);
      let examined = 0;
      let adjusted = 0;
      let total = 0n;
      await this.reprices.forEachPricedLine(scope, tx, period, CHUNK, async (lines) => {
        const adjustments: Adjustment[] = [];
        for (const line of lines) {
          examined++;
          const target = priceLine(line, book);
          if (target.cost === null || target.rateVersion === null) continue;
          const delta = {
            input: target.inputCost - line.current.input,
            output: target.outputCost - line.current.output,
            cacheRead: target.cacheReadCost - line.current.cacheRead,
            cacheWrite: target.cacheWriteCost - line.current.cacheWrite,
            gpu: target.gpuCost - line.current.gpu,
          };
          const sum = delta.input + delta.output + delta.cacheRead + delta.cacheWrite + delta.gpu;
          const changed =
            delta.input !== 0n ||
            delta.output !== 0n ||
            delta.cacheRead !== 0n ||
            delta.cacheWrite !== 0n ||
            delta.gpu !== 0n;
          if (!changed) continue;
          adjustments.push({ line, rateVersion: target.rateVersion, delta });
          adjusted++;
          total += sum;
        }
        await this.reprices.insertAdjustments(tx, id, adjustments);
      });
      const alerts = adjusted > 0 ? await this.reprices.applyRun(tx, id) : 0;
      const run = await this.reprices.insertRun(tx, {
        id,
        tenantId: scope.tenantId,
        periodStart: period.startDate,
        priceBookVersion: book.version,
        requestedBy: principal.subject,
        reason,
        linesExamined: examined,
        linesAdjusted: adjusted,
        deltaMicros: total,
      });
      if (alerts > 0) tx.afterCommit(() => this.relay.nudge());
      return run;
    });
  }
}
