import { Module } from '@nestjs/common';
import { RolePoliciesController } from './api/role-policies.controller.js';
import { DryRun } from './application/dry-run.service.js';
import { RolePolicies } from './application/role-policies.service.js';
import { ObservabilityClient } from './persistence/observability.client.js';

/** Role policies: defaults, tenant overrides, versions, rollback, dry run. */
@Module({
  controllers: [RolePoliciesController],
  providers: [RolePolicies, DryRun, ObservabilityClient],
})
export class ScopesModule {}
