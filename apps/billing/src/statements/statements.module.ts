import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { BudgetsModule } from '../budgets/budgets.module.js';
import { PriceBookModule } from '../price-book/price-book.module.js';
import { UsageModule } from '../usage/usage.module.js';
import { RepricesController } from './api/reprices.controller.js';
import { StatementsController } from './api/statements.controller.js';
import { BuildStatement } from './application/build-statement.usecase.js';
import { ListReprices } from './application/list-reprices.usecase.js';
import { RepricePeriod } from './application/reprice-period.usecase.js';
import { RepriceRepository } from './persistence/reprice.repository.js';

/** Statements of closed periods (JSON, CSV) and explicit, audited re-pricing. */
@Module({
  imports: [UsageModule, PriceBookModule, BudgetsModule],
  controllers: [StatementsController, RepricesController],
  providers: [TransactionRunner, RepriceRepository, BuildStatement, ListReprices, RepricePeriod],
})
export class StatementsModule {}
