// One batch of AgentEvents or ExecutionEvents into the history: each becomes a record (or is refused
// with the reason), events of unknown tenants are refused, the rest are appended once each in one
// transaction. Refused events go back to the messaging library, which dead-letters them with the
// reason and acks everything else after this resolves.
import { Injectable } from '@nestjs/common';
import type { AgentEvent, ExecutionEvent } from '@auraison/contracts';
import type { BatchResult, ConsumedMessage } from '@auraison/messaging';
import { MAX_FUTURE_SKEW_MS } from '../../config.js';
import {
  agentHistoryRecord,
  agentProblems,
  executionHistoryRecord,
  executionProblems,
  type HistoryRecord,
  type RecordKind,
} from '../domain/history-record.js';
import { HistoryWriter, type PendingRecord } from '../persistence/history-writer.js';
import { IngestMetrics } from './ingest-metrics.js';
import { TenantGate } from './tenant-gate.js';

/** The inbox key of each kind: event ids are unique per producer stream. */
export const INBOX_CONSUMERS: Record<RecordKind, string> = {
  agent: 'agent-events',
  execution: 'execution-events',
};

type Rejection = { eventId: string; reason: string };

@Injectable()
export class IngestHistory {
  constructor(
    private readonly writer: HistoryWriter,
    private readonly tenants: TenantGate,
    private readonly metrics: IngestMetrics,
  ) {}

  async agentEvents(batch: readonly ConsumedMessage<AgentEvent>[]): Promise<BatchResult> {
    return this.ingest('agent', batch, agentProblems, agentHistoryRecord);
  }

  async executionEvents(batch: readonly ConsumedMessage<ExecutionEvent>[]): Promise<BatchResult> {
    return this.ingest('execution', batch, executionProblems, executionHistoryRecord);
  }

  private async ingest<T extends { tenantId: string }>(
    kind: RecordKind,
    batch: readonly ConsumedMessage<T>[],
    problems: (message: T, nowMs: number, maxFutureMs: number) => string | undefined,
    build: (message: T) => HistoryRecord,
  ): Promise<BatchResult> {
    const now = Date.now();
    const rejected: Rejection[] = [];
    const pending: PendingRecord[] = [];
    const seen = new Set<string>();
    for (const m of batch) {
      // The same event twice in one batch: the second copy is acked with the first.
      if (seen.has(m.eventId)) continue;
      seen.add(m.eventId);
      const reason = problems(m.message, now, MAX_FUTURE_SKEW_MS);
      if (reason !== undefined) rejected.push({ eventId: m.eventId, reason });
      else
        pending.push({
          eventId: m.eventId,
          tenantId: m.message.tenantId.toLowerCase(),
          build: () => build(m.message),
        });
    }
    const invalid = rejected.length;
    const unknown = await this.tenants.unknownTenants(pending.map((p) => p.tenantId));
    const accepted = unknown.size === 0 ? pending : pending.filter((p) => !unknown.has(p.tenantId));
    for (const p of pending)
      if (unknown.has(p.tenantId))
        rejected.push({
          eventId: p.eventId,
          reason: `tenant_id ${p.tenantId} is not a known tenant (no TenantEvent announced it)`,
        });
    const { stored, duplicates } = await this.writer.append(INBOX_CONSUMERS[kind], accepted);
    this.metrics.stored(
      kind,
      stored.map((r) => r.occurredAt),
      duplicates,
    );
    if (invalid > 0) this.metrics.rejected.inc({ type: kind, reason: 'invalid' }, invalid);
    const unknownCount = pending.length - accepted.length;
    if (unknownCount > 0) this.metrics.rejected.inc({ type: kind, reason: 'unknown_tenant' }, unknownCount);
    return { rejected };
  }
}
