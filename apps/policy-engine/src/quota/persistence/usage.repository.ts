// Usage recorded from the event streams, in bulk (unnest arrays), inside the consumer's one
// transaction per batch. Every write is keyed so a redelivered batch changes nothing: the inbox
// (consumer, event_id) admits each event once, and GPU time per job attempt only ever grows.
import { Injectable } from '@nestjs/common';
import type { Queryable } from '@auraison/api-kit';

export interface UsageDelta {
  tenantId: string;
  periodStart: Date;
  gpuMs: number;
  tokens: number;
}

export interface JobGpuReport {
  tenantId: string;
  jobId: string;
  attempt: number;
  gpuMs: number;
}

export interface ReservationActuals {
  tenantId: string;
  jobId: string;
  gpuMs: number;
  tokens: number;
}

@Injectable()
export class UsageRepository {
  /** The event ids of `eventIds` not seen before by `consumer`, recording them as seen. */
  async admitToInbox(tx: Queryable, consumer: string, eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await tx.query<Array<{ event_id: string }>>(
      `INSERT INTO policy.inbox (consumer, event_id) SELECT $1, unnest($2::text[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, eventIds],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /**
   * Records the highest GPU time reported per job attempt and returns how much each report added
   * (a repeated or lower report adds 0). Reports must be one per (tenant, job, attempt).
   */
  async recordJobGpu(tx: Queryable, reports: readonly JobGpuReport[]): Promise<number[]> {
    if (reports.length === 0) return [];
    const t = reports.map((r) => r.tenantId);
    const j = reports.map((r) => r.jobId);
    const a = reports.map((r) => r.attempt);
    await tx.query(
      `INSERT INTO policy.job_gpu_usage (tenant_id, job_id, attempt, gpu_ms)
       SELECT * , 0 FROM unnest($1::uuid[], $2::text[], $3::int[]) ON CONFLICT DO NOTHING`,
      [t, j, a],
    );
    // Lock the rows (in key order, so concurrent batches cannot deadlock) and read the old values.
    const old = await tx.query<Array<{ tenant_id: string; job_id: string; attempt: number; gpu_ms: string }>>(
      `SELECT g.tenant_id, g.job_id, g.attempt, g.gpu_ms FROM policy.job_gpu_usage g
         JOIN unnest($1::uuid[], $2::text[], $3::int[]) AS k(tenant_id, job_id, attempt)
           ON g.tenant_id = k.tenant_id AND g.job_id = k.job_id AND g.attempt = k.attempt
        ORDER BY g.tenant_id, g.job_id, g.attempt FOR UPDATE OF g`,
      [t, j, a],
    );
    const before = new Map(old.map((o) => [`${o.tenant_id}|${o.job_id}|${o.attempt}`, Number(o.gpu_ms)]));
    const deltas = reports.map((r) =>
      Math.max(0, r.gpuMs - (before.get(`${r.tenantId}|${r.jobId}|${r.attempt}`) ?? 0)),
    );
    await tx.query(
      `UPDATE policy.job_gpu_usage g SET gpu_ms = greatest(g.gpu_ms, k.gpu_ms)
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::bigint[]) AS k(tenant_id, job_id, attempt, gpu_ms)
        WHERE g.tenant_id = k.tenant_id AND g.job_id = k.job_id AND g.attempt = k.attempt`,
      [t, j, a, reports.map((r) => r.gpuMs)],
    );
    return deltas;
  }

  /** Adds usage per (tenant, period); one entry per key. */
  async addUsage(tx: Queryable, deltas: readonly UsageDelta[]): Promise<void> {
    const rows = deltas.filter((d) => d.gpuMs > 0 || d.tokens > 0);
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO policy.usage (tenant_id, period_start, gpu_ms_used, tokens_used)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::bigint[], $4::bigint[])
       ON CONFLICT (tenant_id, period_start) DO UPDATE SET
         gpu_ms_used = policy.usage.gpu_ms_used + excluded.gpu_ms_used,
         tokens_used = policy.usage.tokens_used + excluded.tokens_used`,
      [
        rows.map((d) => d.tenantId),
        rows.map((d) => d.periodStart),
        rows.map((d) => d.gpuMs),
        rows.map((d) => d.tokens),
      ],
    );
  }

  /** Adds actual GPU time and tokens to the jobs' reservations (whatever their status). */
  async addReservationActuals(tx: Queryable, actuals: readonly ReservationActuals[]): Promise<void> {
    const rows = actuals.filter((a) => a.gpuMs > 0 || a.tokens > 0);
    if (rows.length === 0) return;
    await tx.query(
      `UPDATE policy.reservations r SET gpu_ms_actual = r.gpu_ms_actual + k.gpu_ms, tokens_actual = r.tokens_actual + k.tokens
         FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[]) AS k(tenant_id, job_id, gpu_ms, tokens)
        WHERE r.tenant_id = k.tenant_id AND r.job_id = k.job_id`,
      [
        rows.map((a) => a.tenantId),
        rows.map((a) => a.jobId),
        rows.map((a) => a.gpuMs),
        rows.map((a) => a.tokens),
      ],
    );
  }

  /**
   * Settles the open reservations of jobs that reached a terminal status (by reservation id when the
   * event names one, else by job id); returns how many were settled.
   */
  async settle(
    tx: Queryable,
    jobs: ReadonlyArray<{ tenantId: string; jobId: string; reservationId?: string; status: string }>,
  ): Promise<number> {
    if (jobs.length === 0) return 0;
    const rows = await tx.query<Array<{ id: string }>>(
      `WITH settled AS (
         UPDATE policy.reservations r SET status = 'settled', closed_at = now(),
           close_reason = 'execution ' || lower(k.status)
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS k(tenant_id, job_id, reservation_id, status)
          WHERE r.status = 'open' AND r.tenant_id = k.tenant_id
            AND (r.job_id = k.job_id OR r.id::text = k.reservation_id)
          RETURNING r.*
       ), decision AS (
         INSERT INTO policy.decisions (tenant_id, job_id, agent_role, operation, outcome, reason, reservation_id,
           gpu_ms, tokens)
         SELECT tenant_id, job_id, agent_role, 'settle', 'settled', close_reason, id, gpu_ms_actual, tokens_actual
           FROM settled
       )
       SELECT id FROM settled`,
      [
        jobs.map((j) => j.tenantId),
        jobs.map((j) => j.jobId),
        jobs.map((j) => j.reservationId ?? ''),
        jobs.map((j) => j.status),
      ],
    );
    return rows.length;
  }
}
