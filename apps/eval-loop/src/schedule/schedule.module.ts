import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { TenantProjectionStatus } from '../common/tenant-projection-status.js';
import { EvaluationModule } from '../evaluation/evaluation.module.js';
import { ExecutionEventsConsumer } from './api/execution-events.consumer.js';
import { CountExecutions } from './application/count-executions.usecase.js';
import { EvaluationScheduler } from './application/evaluation-scheduler.service.js';
import { TriggerRepository } from './persistence/trigger.repository.js';

/** The triggers: the cron schedule and every N terminal executions of a tenant. */
@Module({
  imports: [EvaluationModule],
  providers: [
    TransactionRunner,
    TriggerRepository,
    TenantProjectionStatus,
    CountExecutions,
    ExecutionEventsConsumer,
    EvaluationScheduler,
  ],
  exports: [EvaluationScheduler, TriggerRepository],
})
export class ScheduleModule {}
