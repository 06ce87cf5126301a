import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { AlertsModule } from '../alerts/alerts.module.js';
import { RunsController } from './api/runs.controller.js';
import { SummariesController } from './api/summaries.controller.js';
import { EvaluateRun } from './application/evaluate-run.usecase.js';
import { ReadEvaluations } from './application/read-evaluations.usecase.js';
import { RequestRun } from './application/request-run.usecase.js';
import { RunQueue } from './application/run-queue.service.js';
import { RunWorker } from './application/run-worker.service.js';
import { RunRepository } from './persistence/run.repository.js';
import { SignalRepository } from './persistence/signal.repository.js';

/** Evaluation runs: the queue, the worker, signals and summaries, and their API. */
@Module({
  imports: [AlertsModule],
  controllers: [RunsController, SummariesController],
  providers: [
    TransactionRunner,
    RunRepository,
    SignalRepository,
    RunQueue,
    EvaluateRun,
    RunWorker,
    ReadEvaluations,
    RequestRun,
  ],
  exports: [RunQueue, RunWorker],
})
export class EvaluationModule {}
