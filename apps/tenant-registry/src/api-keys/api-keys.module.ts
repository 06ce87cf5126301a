import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { ServiceAccountsModule } from '../service-accounts/service-accounts.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { UsersModule } from '../users/users.module.js';
import { ApiKeysController } from './api/api-keys.controller.js';
import { ManageApiKeys } from './application/manage-api-keys.usecase.js';
import { ApiKeyRepository } from './persistence/api-key.repository.js';

/** API keys of users and service accounts (the exchange for tokens lives in auth/). */
@Module({
  imports: [TenantsModule, UsersModule, ServiceAccountsModule],
  controllers: [ApiKeysController],
  providers: [TransactionRunner, ApiKeyRepository, ManageApiKeys],
})
export class ApiKeysModule {}
