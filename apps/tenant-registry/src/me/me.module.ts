import { Module } from '@nestjs/common';
import { ServiceAccountsModule } from '../service-accounts/service-accounts.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { UsersModule } from '../users/users.module.js';
import { MeController } from './api/me.controller.js';
import { DescribeCaller } from './application/describe-caller.usecase.js';

/** GET /api/v1/me */
@Module({
  imports: [TenantsModule, UsersModule, ServiceAccountsModule],
  controllers: [MeController],
  providers: [DescribeCaller],
})
export class MeModule {}
