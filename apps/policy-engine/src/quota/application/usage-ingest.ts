// Settles quota from the event streams, one transaction per batch, idempotent on event_id (inbox):
// - ExecutionEvents: GPU time per job attempt (only its increase counts, so progressive and repeated
//   reports are safe) goes to the period's usage and the job's reservation; a terminal status settles
//   the job's open reservation (its slot and unused GPU-hours come back).
// - AgentEvents: tokens (input + output) go to the period's usage, the job's reservation, and the
//   role's token rate counter.
// Events of a tenant the policy engine has never heard of are dead-lettered with that reason.
import { Injectable } from '@nestjs/common';
import { CONSUMERS, ExecutionStatus, type AgentEvent, type ExecutionEvent } from '@auraison/contracts';
import { ConsumeBatch, type BatchResult, type ConsumedMessage } from '@auraison/messaging';
import { TenantProjection, type TenantRecord } from '@auraison/tenancy';
import { TransactionRunner } from '@auraison/api-kit';
import { PolicyMetrics } from '../../metrics/policy-metrics.js';
import { windowStart } from '../../rate-limits/domain/sliding-window.js';
import { RateCounterRepository } from '../../rate-limits/persistence/rate-counter.repository.js';
import { periodAt } from '../domain/period.js';
import { gpuSecondsToMs } from '../domain/units.js';
import { UsageRepository, type JobGpuReport, type UsageDelta } from '../persistence/usage.repository.js';

const TERMINAL = new Set([
  ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
  ExecutionStatus.EXECUTION_STATUS_FAILED,
  ExecutionStatus.EXECUTION_STATUS_STOPPED,
]);

const STATUS_NAMES: Record<number, string> = {
  [ExecutionStatus.EXECUTION_STATUS_SUCCEEDED]: 'SUCCEEDED',
  [ExecutionStatus.EXECUTION_STATUS_FAILED]: 'FAILED',
  [ExecutionStatus.EXECUTION_STATUS_STOPPED]: 'STOPPED',
};

/** Sums `amount` per key. */
function addTo<K>(map: Map<string, K & { sum: number }>, key: string, base: K, amount: number): void {
  const entry = map.get(key);
  if (entry) entry.sum += amount;
  else map.set(key, { ...base, sum: amount });
}

@Injectable()
export class UsageIngest {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly usage: UsageRepository,
    private readonly rates: RateCounterRepository,
    private readonly projection: TenantProjection,
    private readonly metrics: PolicyMetrics,
  ) {}

  /** Known tenants of the batch, and the messages of unknown ones as rejections. */
  private async known<T extends { tenantId: string }>(
    batch: ConsumedMessage<T>[],
  ): Promise<{
    accepted: Array<ConsumedMessage<T> & { tenant: TenantRecord }>;
    rejected: BatchResult['rejected'];
  }> {
    const tenants = new Map<string, TenantRecord | undefined>();
    for (const id of new Set(batch.map((m) => m.message.tenantId)))
      tenants.set(id, await this.projection.get(id));
    const accepted: Array<ConsumedMessage<T> & { tenant: TenantRecord }> = [];
    const rejected: Array<{ eventId: string; reason: string }> = [];
    for (const m of batch) {
      const tenant = tenants.get(m.message.tenantId);
      if (tenant) accepted.push({ ...m, tenant });
      else
        rejected.push({
          eventId: m.eventId,
          reason: `unknown tenant ${m.message.tenantId}: no TenantEvent announced it`,
        });
    }
    return { accepted, rejected };
  }

  @ConsumeBatch(CONSUMERS.policyExecutionEvents, { batchSize: 200 })
  async executions(batch: ConsumedMessage<ExecutionEvent>[]): Promise<BatchResult> {
    const { accepted, rejected } = await this.known(batch);
    const settled = await this.transactions.run(async (tx) => {
      const fresh = await this.usage.admitToInbox(
        tx,
        CONSUMERS.policyExecutionEvents.durable + ':executions',
        accepted.map((m) => m.eventId),
      );
      const events = accepted.filter((m) => fresh.has(m.eventId));
      // One report per job attempt: the highest GPU time, dated by the latest event.
      const reports = new Map<string, JobGpuReport & { at: Date; anchor: number }>();
      for (const { message: e, tenant } of events) {
        const key = `${e.tenantId}|${e.jobId}|${e.attempt ?? 1}`;
        const gpuMs = gpuSecondsToMs(e.gpuSeconds);
        const seen = reports.get(key);
        if (!seen || gpuMs > seen.gpuMs || e.timestamp! > seen.at)
          reports.set(key, {
            tenantId: e.tenantId,
            jobId: e.jobId,
            attempt: e.attempt ?? 1,
            gpuMs: Math.max(gpuMs, seen?.gpuMs ?? 0),
            at: seen && seen.at > e.timestamp! ? seen.at : e.timestamp!,
            anchor: tenant.quota.periodAnchorDay,
          });
      }
      const list = [...reports.values()];
      const deltas = await this.usage.recordJobGpu(tx, list);
      const usage = new Map<string, { tenantId: string; periodStart: Date } & { sum: number }>();
      const actuals = new Map<string, { tenantId: string; jobId: string } & { sum: number }>();
      list.forEach((r, i) => {
        const delta = deltas[i]!;
        if (delta <= 0) return;
        const period = periodAt(r.at, r.anchor).start;
        addTo(
          usage,
          `${r.tenantId}|${period.toISOString()}`,
          { tenantId: r.tenantId, periodStart: period },
          delta,
        );
        addTo(actuals, `${r.tenantId}|${r.jobId}`, { tenantId: r.tenantId, jobId: r.jobId }, delta);
      });
      await this.usage.addUsage(
        tx,
        [...usage.values()].map((u): UsageDelta => ({
          tenantId: u.tenantId,
          periodStart: u.periodStart,
          gpuMs: u.sum,
          tokens: 0,
        })),
      );
      await this.usage.addReservationActuals(
        tx,
        [...actuals.values()].map((a) => ({ tenantId: a.tenantId, jobId: a.jobId, gpuMs: a.sum, tokens: 0 })),
      );
      return this.usage.settle(
        tx,
        events
          .filter((m) => TERMINAL.has(m.message.status))
          .map(({ message: e }) => ({
            tenantId: e.tenantId,
            jobId: e.jobId,
            status: STATUS_NAMES[e.status]!,
            ...(e.reservationId ? { reservationId: e.reservationId } : {}),
          })),
      );
    });
    if (settled > 0) this.metrics.settlements.inc({ kind: 'settled' }, settled);
    return { rejected };
  }

  @ConsumeBatch(CONSUMERS.policyAgentEvents, { batchSize: 500 })
  async agents(batch: ConsumedMessage<AgentEvent>[]): Promise<BatchResult> {
    const { accepted, rejected } = await this.known(batch);
    await this.transactions.run(async (tx) => {
      const fresh = await this.usage.admitToInbox(
        tx,
        CONSUMERS.policyAgentEvents.durable + ':agents',
        accepted.map((m) => m.eventId),
      );
      const usage = new Map<string, { tenantId: string; periodStart: Date } & { sum: number }>();
      const actuals = new Map<string, { tenantId: string; jobId: string } & { sum: number }>();
      const rates = new Map<
        string,
        { tenantId: string; agentRole: string; window: Date } & { sum: number }
      >();
      for (const { message: e, tenant, eventId } of accepted) {
        if (!fresh.has(eventId)) continue;
        const tokens = e.tokensIn + e.tokensOut;
        if (tokens <= 0) continue;
        const period = periodAt(e.timestamp!, tenant.quota.periodAnchorDay).start;
        addTo(
          usage,
          `${e.tenantId}|${period.toISOString()}`,
          { tenantId: e.tenantId, periodStart: period },
          tokens,
        );
        if (e.jobId)
          addTo(actuals, `${e.tenantId}|${e.jobId}`, { tenantId: e.tenantId, jobId: e.jobId }, tokens);
        const window = windowStart(e.timestamp!);
        addTo(
          rates,
          `${e.tenantId}|${e.agentRole}|${window.toISOString()}`,
          { tenantId: e.tenantId, agentRole: e.agentRole, window },
          tokens,
        );
      }
      await this.usage.addUsage(
        tx,
        [...usage.values()].map((u) => ({
          tenantId: u.tenantId,
          periodStart: u.periodStart,
          gpuMs: 0,
          tokens: u.sum,
        })),
      );
      await this.usage.addReservationActuals(
        tx,
        [...actuals.values()].map((a) => ({ tenantId: a.tenantId, jobId: a.jobId, gpuMs: 0, tokens: a.sum })),
      );
      await this.rates.add(
        tx,
        [...rates.values()].map((r) => ({
          tenantId: r.tenantId,
          agentRole: r.agentRole,
          kind: 'tokens' as const,
          window: r.window,
          amount: r.sum,
        })),
      );
    });
    return { rejected };
  }
}
