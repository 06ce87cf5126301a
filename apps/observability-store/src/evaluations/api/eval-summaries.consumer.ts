import { Injectable } from '@nestjs/common';
import { CONSUMERS, type EvaluationSummary } from '@auraison/contracts';
import { ConsumeBatch, type BatchResult, type ConsumedMessage } from '@auraison/messaging';
import { retryable } from '../../ingest/api/history.consumers.js';
import { IngestEvalSummaries } from '../application/ingest-eval-summaries.usecase.js';

@Injectable()
export class EvalSummariesConsumer {
  constructor(private readonly ingest: IngestEvalSummaries) {}

  @ConsumeBatch(CONSUMERS.observabilityEvalSummaries, { batchSize: 100, isTransientError: retryable })
  async summaries(batch: ConsumedMessage<EvaluationSummary>[]): Promise<BatchResult> {
    return this.ingest.execute(batch);
  }
}
