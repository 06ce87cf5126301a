import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { EventsModule } from '../events/events.module.js';
import { QuotaController } from './api/quota.controller.js';
import { TenantsController } from './api/tenants.controller.js';
import { CreateTenant } from './application/create-tenant.usecase.js';
import { ReadTenants } from './application/read-tenants.usecase.js';
import { SetQuota } from './application/set-quota.usecase.js';
import { SetTenantStatus } from './application/set-tenant-status.usecase.js';
import { UpdateTenant } from './application/update-tenant.usecase.js';
import { TenantRepository } from './persistence/tenant.repository.js';

/** Tenants and their quota configuration. */
@Module({
  imports: [EventsModule],
  controllers: [TenantsController, QuotaController],
  providers: [
    TransactionRunner,
    TenantRepository,
    CreateTenant,
    ReadTenants,
    UpdateTenant,
    SetTenantStatus,
    SetQuota,
  ],
  exports: [TenantRepository, ReadTenants],
})
export class TenantsModule {}
