import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { TenantPeriods } from '../common/application/tenant-periods.js';
import { PriceBookModule } from '../price-book/price-book.module.js';
import { UsageController } from './api/usage.controller.js';
import { ReadUsage } from './application/read-usage.usecase.js';
import { UsageRepository } from './persistence/usage.repository.js';

/** Reading the ledger: a tenant's period with breakdowns, a job's cost, unpriced usage. */
@Module({
  imports: [PriceBookModule],
  controllers: [UsageController],
  providers: [TransactionRunner, TenantPeriods, UsageRepository, ReadUsage],
  exports: [UsageRepository, TenantPeriods],
})
export class UsageModule {}
