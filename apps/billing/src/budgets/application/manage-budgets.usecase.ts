import { Injectable } from '@nestjs/common';
import { notFound, TransactionRunner } from '@auraison/api-kit';
import { TenantScope, type Principal } from '@auraison/auth';
import { TenantProjection } from '@auraison/tenancy';
import { normalizeAnchorDay, periodContaining, type BillingPeriod } from '../../common/domain/period.js';
import { BudgetRepository, type Budget, type StoredCrossing } from '../persistence/budget.repository.js';
import { BudgetAlertRelay } from './budget-alert-relay.service.js';

export interface BudgetView {
  budget: Budget;
  period: BillingPeriod;
  spendMicros: bigint;
  crossings: StoredCrossing[];
}

/**
 * A spend budget per tenant, the same for every period: platform admins set it (budgets:write),
 * the tenant reads it (billing:read). Setting it evaluates the current period at once, so a budget
 * already exceeded alerts now rather than at the next usage event.
 */
@Injectable()
export class ManageBudgets {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly budgets: BudgetRepository,
    private readonly tenants: TenantProjection,
    private readonly relay: BudgetAlertRelay,
  ) {}

  async set(
    principal: Principal,
    tenantId: string,
    amountMicros: bigint,
    reason: string,
  ): Promise<BudgetView> {
    const { scope, period } = await this.visible(principal, tenantId);
    await this.transactions.run(async (tx) => {
      await this.budgets.upsert(scope, tx, amountMicros, principal.subject, reason);
      if ((await this.budgets.recordCrossings(scope, tx, period.startDate)) > 0)
        tx.afterCommit(() => this.relay.nudge());
    });
    return this.view(scope, period);
  }

  async remove(principal: Principal, tenantId: string): Promise<void> {
    const { scope } = await this.visible(principal, tenantId);
    const removed = await this.transactions.run(async (tx) => this.budgets.remove(scope, tx));
    if (!removed) throw notFound('budget');
  }

  async get(principal: Principal, tenantId: string): Promise<BudgetView> {
    const { scope, period } = await this.visible(principal, tenantId);
    return this.view(scope, period);
  }

  private async view(scope: TenantScope, period: BillingPeriod): Promise<BudgetView> {
    const budget = await this.budgets.get(scope);
    if (!budget) throw notFound('budget');
    const [spendMicros, crossings] = await Promise.all([
      this.budgets.spend(scope, period.startDate),
      this.budgets.crossings(scope, period.startDate),
    ]);
    return { budget, period, spendMicros, crossings };
  }

  /** 404 for another tenant (unless platform admin) and for a tenant billing does not know. */
  private async visible(
    principal: Principal,
    tenantId: string,
  ): Promise<{ scope: TenantScope; period: BillingPeriod }> {
    const scope = TenantScope.of(principal, tenantId);
    const tenant = await this.tenants.get(scope.tenantId);
    if (!tenant) throw notFound('tenant');
    return { scope, period: periodContaining(new Date(), normalizeAnchorDay(tenant.quota.periodAnchorDay)) };
  }
}
