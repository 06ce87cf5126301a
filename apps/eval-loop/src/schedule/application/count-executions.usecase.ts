// The every-N trigger: each terminal ExecutionEvent counts once for its tenant (the inbox keeps the
// event ids, so redeliveries and republished duplicates do not count again); when a tenant's count
// reaches EVAL_EVERY_N_EXECUTIONS, a run is queued and the count starts over, in the same transaction.
import { Inject, Injectable } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { ExecutionStatus, type ExecutionEvent } from '@auraison/contracts';
import type { BatchResult, ConsumedMessage } from '@auraison/messaging';
import { TenantProjection } from '@auraison/tenancy';
import { EVAL_OPTIONS, type EvalOptions } from '../../common/eval-options.js';
import { EvalMetrics } from '../../common/eval-metrics.js';
import { TenantProjectionBehind, TenantProjectionStatus } from '../../common/tenant-projection-status.js';
import { RunQueue } from '../../evaluation/application/run-queue.service.js';
import { TriggerRepository } from '../persistence/trigger.repository.js';

const TERMINAL = new Set([
  ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
  ExecutionStatus.EXECUTION_STATUS_FAILED,
  ExecutionStatus.EXECUTION_STATUS_STOPPED,
]);

@Injectable()
export class CountExecutions {
  constructor(
    private readonly triggers: TriggerRepository,
    private readonly queue: RunQueue,
    private readonly tenants: TenantProjection,
    private readonly projectionStatus: TenantProjectionStatus,
    private readonly transactions: TransactionRunner,
    private readonly metrics: EvalMetrics,
    @Inject(EVAL_OPTIONS) private readonly options: EvalOptions,
  ) {}

  async execute(batch: readonly ConsumedMessage<ExecutionEvent>[]): Promise<BatchResult> {
    const terminal = batch.filter((m) => TERMINAL.has(m.message.status));
    if (terminal.length === 0) return {};
    const tenantIds = [...new Set(terminal.map((m) => m.message.tenantId))];
    const records = new Map(
      await Promise.all(tenantIds.map(async (id) => [id, await this.tenants.get(id)] as const)),
    );
    const unknown = tenantIds.filter((id) => !records.get(id));
    if (unknown.length > 0 && !(await this.projectionStatus.caughtUp()))
      throw new TenantProjectionBehind(unknown);
    const rejected = terminal
      .filter((m) => !records.get(m.message.tenantId))
      .map((m) => ({ eventId: m.eventId, reason: `unknown tenant ${m.message.tenantId}` }));
    const accepted = terminal.filter((m) => records.get(m.message.tenantId));
    await this.transactions.run(async (db) => {
      const fresh = await this.triggers.recordNew(
        db,
        accepted.map((m) => m.eventId),
      );
      const counts = new Map<string, number>();
      const seen = new Set<string>();
      for (const m of accepted) {
        if (!fresh.has(m.eventId) || seen.has(m.eventId)) continue;
        seen.add(m.eventId);
        counts.set(m.message.tenantId, (counts.get(m.message.tenantId) ?? 0) + 1);
      }
      const pending = await this.triggers.addExecutions(db, counts);
      const n = this.options.everyNExecutions;
      for (const [tenantId, count] of pending) {
        if (n === 0 || count < n || records.get(tenantId)?.status !== 'active') continue;
        await this.triggers.resetExecutions(db, tenantId);
        await this.queue.request(db, { tenantId, trigger: 'execution_count' });
      }
      db.afterCommit(() => this.metrics.executionsCounted.inc(seen.size));
    });
    return { rejected };
  }
}
