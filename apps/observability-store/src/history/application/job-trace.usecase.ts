// The causal chain of one job (DESIGN §1 "what happened, causally"): the agent invocations that created
// or touched it, with their tool calls, its execution status changes with GPU seconds, and the trace
// ids that join them, in time order.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import { toPage, type Page, type PageRequest } from '../../common/domain/page.js';
import {
  eventKey,
  HistoryRepository,
  type StoredEvent,
  type TraceLink,
} from '../persistence/history.repository.js';

export interface JobTrace {
  jobId: string;
  /** Latest execution status, or null when no execution was reported. */
  status: string | null;
  /** GPU seconds of the job so far (the largest reported; final on a terminal status). */
  gpuSeconds: number;
  traceIds: string[];
  entries: Page<StoredEvent & { link: TraceLink }>;
}

@Injectable()
export class ReadJobTrace {
  constructor(private readonly history: HistoryRepository) {}

  /** The trace, or undefined when the tenant has no event of this job. */
  async execute(scope: TenantScope, jobId: string, page: PageRequest): Promise<JobTrace | undefined> {
    const after = page.after ? { at: page.after[0] as string, seq: page.after[1] as number } : undefined;
    const { summary, entries: rows } = await this.history.jobTraceWithSummary(
      scope,
      jobId,
      page.limit + 1,
      after,
    );
    if (summary.events === 0) return undefined;
    return {
      jobId,
      status: summary.status,
      gpuSeconds: summary.gpuSeconds,
      traceIds: summary.traceIds,
      entries: toPage(rows, page, eventKey, (e) => e),
    };
  }
}
