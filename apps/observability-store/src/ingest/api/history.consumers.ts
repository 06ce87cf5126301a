// Message handlers of the history: thin, one per durable consumer (CONSUMERS in @auraison/contracts).
// The messaging library decodes, validates and dead-letters what it cannot read, and acks after these
// resolve (after COMMIT); refused events come back as `rejected` and are dead-lettered with the reason.
import { Injectable } from '@nestjs/common';
import { CONSUMERS, type AgentEvent, type ExecutionEvent } from '@auraison/contracts';
import { ConsumeBatch, isTransientError, type BatchResult, type ConsumedMessage } from '@auraison/messaging';
import { IngestHistory } from '../application/ingest-history.usecase.js';
import { TenantProjectionBehind } from '../application/tenant-gate.js';

/** Database outages and a tenant projection still catching up are retried, never dead-lettered. */
export const retryable = (err: unknown): boolean =>
  err instanceof TenantProjectionBehind || isTransientError(err);

@Injectable()
export class HistoryConsumers {
  constructor(private readonly ingest: IngestHistory) {}

  @ConsumeBatch(CONSUMERS.observabilityAgentEvents, { isTransientError: retryable })
  async agentEvents(batch: ConsumedMessage<AgentEvent>[]): Promise<BatchResult> {
    return this.ingest.agentEvents(batch);
  }

  @ConsumeBatch(CONSUMERS.observabilityExecutionEvents, { isTransientError: retryable })
  async executionEvents(batch: ConsumedMessage<ExecutionEvent>[]): Promise<BatchResult> {
    return this.ingest.executionEvents(batch);
  }
}
