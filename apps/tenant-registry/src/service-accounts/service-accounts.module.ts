import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { EventsModule } from '../events/events.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { ServiceAccountsController } from './api/service-accounts.controller.js';
import { ManageServiceAccounts } from './application/manage-service-accounts.usecase.js';
import { ServiceAccountRepository } from './persistence/service-account.repository.js';

/** Service accounts: the non-human principals of a tenant. */
@Module({
  imports: [TenantsModule, EventsModule],
  controllers: [ServiceAccountsController],
  providers: [TransactionRunner, ServiceAccountRepository, ManageServiceAccounts],
  exports: [ServiceAccountRepository],
})
export class ServiceAccountsModule {}
