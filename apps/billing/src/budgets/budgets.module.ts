import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { MetricsModule } from '../metrics/metrics.module.js';
import { BudgetsController } from './api/budgets.controller.js';
import { BudgetAlertRelay } from './application/budget-alert-relay.service.js';
import { ManageBudgets } from './application/manage-budgets.usecase.js';
import { BudgetRepository } from './persistence/budget.repository.js';

/** Spend budgets per tenant and the alerts at 50%, 80% and 100% of them. */
@Module({
  imports: [MetricsModule],
  controllers: [BudgetsController],
  providers: [TransactionRunner, BudgetRepository, BudgetAlertRelay, ManageBudgets],
  exports: [BudgetAlertRelay],
})
export class BudgetsModule {}
