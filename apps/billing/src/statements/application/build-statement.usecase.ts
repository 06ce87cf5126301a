import { Injectable } from '@nestjs/common';
import { conflictField } from '@auraison/api-kit';
import type { Principal } from '@auraison/auth';
import { TenantPeriods } from '../../common/application/tenant-periods.js';
import { isClosed } from '../../common/domain/period.js';
import { UsageRepository, totalCost, type UnpricedGroup } from '../../usage/persistence/usage.repository.js';
import { productLines, unpricedLines, type Statement, type UnpricedFigures } from '../domain/statement.js';
import { RepriceRepository } from '../persistence/reprice.repository.js';

function byKey(groups: UnpricedGroup[], source: 'agent' | 'execution'): Map<string, UnpricedFigures> {
  const out = new Map<string, UnpricedFigures>();
  for (const g of groups) {
    if (g.source !== source) continue;
    const key = source === 'agent' ? g.model : g.environment;
    const seen = out.get(key);
    out.set(key, {
      key,
      lines: (seen?.lines ?? 0) + g.lines,
      inputTokens: (seen?.inputTokens ?? 0n) + g.inputTokens,
      outputTokens: (seen?.outputTokens ?? 0n) + g.outputTokens,
      cacheReadTokens: (seen?.cacheReadTokens ?? 0n) + g.cacheReadTokens,
      cacheWriteTokens: (seen?.cacheWriteTokens ?? 0n) + g.cacheWriteTokens,
      gpuMs: (seen?.gpuMs ?? 0n) + g.gpuMs,
    });
  }
  return out;
}

/** The statement of a closed period (409 while the period is open), from the period's aggregates. */
@Injectable()
export class BuildStatement {
  constructor(
    private readonly periods: TenantPeriods,
    private readonly usage: UsageRepository,
    private readonly reprices: RepriceRepository,
  ) {}

  async execute(principal: Principal, tenantId: string | undefined, periodText: string): Promise<Statement> {
    const { scope, tenant, period } = await this.periods.resolve(principal, tenantId, periodText);
    const now = new Date();
    if (!isClosed(period, now))
      throw conflictField(
        'period',
        `period ${period.label} closes at ${period.end.toISOString()}: statements cover closed periods (see /usage for the open one)`,
      );
    const [total, models, environments, unpriced, runs] = await Promise.all([
      this.usage.total(scope, period.startDate),
      this.usage.dimension(scope, period.startDate, 'model'),
      this.usage.dimension(scope, period.startDate, 'environment'),
      this.usage.unpriced(scope, period.startDate),
      this.reprices.runs(scope, period.startDate),
    ]);
    const unpricedModels = byKey(unpriced, 'agent');
    const unpricedEnvironments = byKey(unpriced, 'execution');
    const adjustmentsTotal = total.adjustments;
    return {
      tenantId: scope.tenantId,
      tenantSlug: tenant.slug,
      tenantName: tenant.name,
      period,
      generatedAt: now,
      events: total.events,
      lines: productLines(models, environments, unpricedModels, unpricedEnvironments),
      usageSubtotal: totalCost(total) - adjustmentsTotal,
      adjustments: runs
        .filter((r) => r.linesAdjusted > 0)
        .reverse()
        .map((r) => ({
          repriceId: r.id,
          createdAt: r.createdAt,
          requestedBy: r.requestedBy,
          reason: r.reason,
          priceBookVersion: r.priceBookVersion,
          linesAdjusted: r.linesAdjusted,
          amount: r.deltaMicros,
        })),
      adjustmentsTotal,
      total: totalCost(total),
      unpriced: unpricedLines(unpricedModels, unpricedEnvironments),
    };
  }
}
