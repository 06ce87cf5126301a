// The durable consumers of mp.agent.events and mp.execution.events shared by every billing replica:
// thin adapters from decoded batches to IngestUsage.
import { Injectable } from '@nestjs/common';
import { CONSUMERS, type AgentEvent, type ExecutionEvent } from '@auraison/contracts';
import { ConsumeBatch, isTransientError, type BatchResult, type ConsumedMessage } from '@auraison/messaging';
import { lineFromAgentEvent, lineFromExecutionEvent } from '../domain/usage-line.js';
import { IngestUsage } from '../application/ingest-usage.usecase.js';
import { TenantProjectionBehind } from '../application/tenant-projection-status.js';

/** Dependency failures, plus a tenant projection still catching up: retried, never dead-lettered. */
export function isBillingTransient(err: unknown): boolean {
  return err instanceof TenantProjectionBehind || isTransientError(err);
}

@Injectable()
export class UsageEventsConsumer {
  constructor(private readonly ingest: IngestUsage) {}

  @ConsumeBatch(CONSUMERS.billingAgentEvents, { isTransientError: isBillingTransient })
  async agentEvents(batch: ConsumedMessage<AgentEvent>[]): Promise<BatchResult> {
    const now = new Date();
    return this.ingest.execute(
      'agent',
      batch.map((m) => ({
        eventId: m.eventId,
        publishedAt: m.publishedAt,
        conversion: lineFromAgentEvent(m.message, this.ingest.limits, now),
      })),
    );
  }

  @ConsumeBatch(CONSUMERS.billingExecutionEvents, { isTransientError: isBillingTransient })
  async executionEvents(batch: ConsumedMessage<ExecutionEvent>[]): Promise<BatchResult> {
    const now = new Date();
    return this.ingest.execute(
      'execution',
      batch.map((m) => ({
        eventId: m.eventId,
        publishedAt: m.publishedAt,
        conversion: lineFromExecutionEvent(m.message, this.ingest.limits, now),
      })),
    );
  }
}
