import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module.js';
import { EvalSummariesConsumer } from './api/eval-summaries.consumer.js';
import { EvaluationsController } from './api/evaluations.controller.js';
import { IngestEvalSummaries } from './application/ingest-eval-summaries.usecase.js';
import { ReadEvalSummaries } from './application/read-eval-summaries.usecase.js';
import { EvalSummaryRepository } from './persistence/eval-summary.repository.js';

/** EvaluationSummaries from mp.eval.summaries, stored and queryable. */
@Module({
  imports: [IngestModule],
  controllers: [EvaluationsController],
  providers: [EvalSummariesConsumer, IngestEvalSummaries, ReadEvalSummaries, EvalSummaryRepository],
})
export class EvaluationsModule {}
