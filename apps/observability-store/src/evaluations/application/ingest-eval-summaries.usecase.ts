// EvaluationSummaries from the eval loop, stored once each (event_id is the key); summaries of unknown
// tenants and with impossible values are refused with the reason.
import { Injectable } from '@nestjs/common';
import type { EvaluationSummary } from '@auraison/contracts';
import type { BatchResult, ConsumedMessage } from '@auraison/messaging';
import { MAX_FUTURE_SKEW_MS } from '../../config.js';
import { IngestMetrics } from '../../ingest/application/ingest-metrics.js';
import { TenantGate } from '../../ingest/application/tenant-gate.js';
import { evalSummaryRecord, type EvalSummaryRecord } from '../domain/eval-summary-record.js';
import { EvalSummaryRepository } from '../persistence/eval-summary.repository.js';

@Injectable()
export class IngestEvalSummaries {
  constructor(
    private readonly summaries: EvalSummaryRepository,
    private readonly tenants: TenantGate,
    private readonly metrics: IngestMetrics,
  ) {}

  async execute(batch: readonly ConsumedMessage<EvaluationSummary>[]): Promise<BatchResult> {
    const now = Date.now();
    const rejected: Array<{ eventId: string; reason: string }> = [];
    const records = new Map<string, EvalSummaryRecord>();
    for (const m of batch) {
      if (records.has(m.eventId)) continue;
      const result = evalSummaryRecord(m.message, now, MAX_FUTURE_SKEW_MS);
      if (result.ok) records.set(m.eventId, result.record);
      else rejected.push({ eventId: m.eventId, reason: result.reason });
    }
    const scoped = [...records.values()].flatMap((r) => (r.tenantId ? [r.tenantId] : []));
    const unknown = await this.tenants.unknownTenants(scoped);
    for (const r of records.values())
      if (r.tenantId && unknown.has(r.tenantId)) {
        records.delete(r.eventId);
        rejected.push({ eventId: r.eventId, reason: `tenant_id ${r.tenantId} is not a known tenant` });
      }
    const stored = await this.summaries.insert([...records.values()]);
    this.metrics.ingested.inc({ type: 'evaluation', result: 'stored' }, stored);
    if (records.size > stored)
      this.metrics.ingested.inc({ type: 'evaluation', result: 'duplicate' }, records.size - stored);
    if (rejected.length > 0)
      this.metrics.rejected.inc({ type: 'evaluation', reason: 'invalid' }, rejected.length);
    return { rejected };
  }
}
