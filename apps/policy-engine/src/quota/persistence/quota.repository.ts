// Reservations, usage per period and admission decisions. Admissions of one tenant serialize on its
// row in policy.quota_accounts (a row lock taken by an upsert, so every replica waits on the same
// row); what is held is always summed from the open reservations under that lock, never kept in a
// counter that could drift.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';
import type { QuotaPosition } from '../domain/admission.js';

export type ReservationStatus = 'open' | 'settled' | 'released' | 'expired';

export interface Reservation {
  id: string;
  tenantId: string;
  jobId: string;
  agentRole: string;
  environment: string;
  gpuCount: number;
  maxDurationS: number;
  gpuMsReserved: number;
  tokensReserved: number;
  gpuMsActual: number;
  tokensActual: number;
  status: ReservationStatus;
  createdAt: Date;
  expiresAt: Date;
  closedAt: Date | null;
  closeReason: string | null;
}

interface ReservationRow {
  id: string;
  tenant_id: string;
  job_id: string;
  agent_role: string;
  environment: string;
  gpu_count: number;
  max_duration_s: number;
  gpu_ms_reserved: string;
  tokens_reserved: string;
  gpu_ms_actual: string;
  tokens_actual: string;
  status: ReservationStatus;
  created_at: Date;
  expires_at: Date;
  closed_at: Date | null;
  close_reason: string | null;
}

const toReservation = (r: ReservationRow): Reservation => ({
  id: r.id,
  tenantId: r.tenant_id,
  jobId: r.job_id,
  agentRole: r.agent_role,
  environment: r.environment,
  gpuCount: r.gpu_count,
  maxDurationS: r.max_duration_s,
  gpuMsReserved: Number(r.gpu_ms_reserved),
  tokensReserved: Number(r.tokens_reserved),
  gpuMsActual: Number(r.gpu_ms_actual),
  tokensActual: Number(r.tokens_actual),
  status: r.status,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  closedAt: r.closed_at,
  closeReason: r.close_reason,
});

export interface NewReservation {
  id: string;
  jobId: string;
  agentRole: string;
  environment: string;
  gpuCount: number;
  maxDurationS: number;
  gpuMsReserved: number;
  tokensReserved: number;
  expiresAt: Date;
  admittedBy: string;
  userId?: string;
  traceId?: string;
  sessionId?: string;
}

export interface Decision {
  tenantId: string;
  jobId: string;
  agentRole?: string;
  operation: 'admit' | 'release' | 'settle' | 'expire';
  outcome: string;
  reason: string;
  reservationId?: string;
  gpuMs?: number;
  tokens?: number;
  actorId?: string;
  traceId?: string;
}

@Injectable()
export class QuotaRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  /** Takes the tenant's admission lock for the rest of the transaction (creating its row if new). */
  async lockAccount(scope: TenantScope, tx: Queryable): Promise<void> {
    await tx.query(
      `INSERT INTO policy.quota_accounts (tenant_id) VALUES ($1)
       ON CONFLICT (tenant_id) DO UPDATE SET tenant_id = excluded.tenant_id`,
      [scope.tenantId],
    );
  }

  async byJob(scope: TenantScope, jobId: string, db: Queryable = this.db): Promise<Reservation | undefined> {
    const rows = await db.query<ReservationRow[]>(
      `SELECT * FROM policy.reservations WHERE tenant_id = $1 AND job_id = $2`,
      [scope.tenantId, jobId],
    );
    return rows[0] ? toReservation(rows[0]) : undefined;
  }

  /** Usage in the period starting at `periodStart` and what the open reservations still hold. */
  async position(scope: TenantScope, periodStart: Date, db: Queryable = this.db): Promise<QuotaPosition> {
    const [row] = await db.query<
      Array<{
        jobs: number;
        gpu_reserved: string;
        tokens_reserved: string;
        gpu_used: string;
        tokens_used: string;
      }>
    >(
      `SELECT r.jobs, r.gpu_reserved, r.tokens_reserved,
              coalesce(u.gpu_ms_used, 0) AS gpu_used, coalesce(u.tokens_used, 0) AS tokens_used
         FROM (SELECT count(*)::int AS jobs,
                      coalesce(sum(greatest(gpu_ms_reserved - gpu_ms_actual, 0)), 0) AS gpu_reserved,
                      coalesce(sum(greatest(tokens_reserved - tokens_actual, 0)), 0) AS tokens_reserved
                 FROM policy.reservations WHERE tenant_id = $1 AND status = 'open') r
         LEFT JOIN policy.usage u ON u.tenant_id = $1 AND u.period_start = $2`,
      [scope.tenantId, periodStart],
    );
    return {
      jobsInFlight: row?.jobs ?? 0,
      gpuMsReserved: Number(row?.gpu_reserved ?? 0),
      tokensReserved: Number(row?.tokens_reserved ?? 0),
      gpuMsUsed: Number(row?.gpu_used ?? 0),
      tokensUsed: Number(row?.tokens_used ?? 0),
    };
  }

  /** Under the admission lock: the job's reservation if it has one, and the tenant's position. */
  async admissionState(
    scope: TenantScope,
    jobId: string,
    periodStart: Date,
    tx: Queryable,
  ): Promise<{ existing: Reservation | undefined; position: QuotaPosition }> {
    const [row] = await tx.query<
      Array<{
        jobs: number;
        gpu_reserved: string;
        tokens_reserved: string;
        gpu_used: string;
        tokens_used: string;
        existing: ReservationRow | null;
      }>
    >(
      `SELECT r.jobs, r.gpu_reserved, r.tokens_reserved,
              coalesce(u.gpu_ms_used, 0) AS gpu_used, coalesce(u.tokens_used, 0) AS tokens_used,
              (SELECT to_jsonb(e) FROM policy.reservations e WHERE e.tenant_id = $1 AND e.job_id = $3) AS existing
         FROM (SELECT count(*)::int AS jobs,
                      coalesce(sum(greatest(gpu_ms_reserved - gpu_ms_actual, 0)), 0) AS gpu_reserved,
                      coalesce(sum(greatest(tokens_reserved - tokens_actual, 0)), 0) AS tokens_reserved
                 FROM policy.reservations WHERE tenant_id = $1 AND status = 'open') r
         LEFT JOIN policy.usage u ON u.tenant_id = $1 AND u.period_start = $2`,
      [scope.tenantId, periodStart, jobId],
    );
    const existing = row?.existing
      ? toReservation({
          ...row.existing,
          created_at: new Date(row.existing.created_at),
          expires_at: new Date(row.existing.expires_at),
          closed_at: row.existing.closed_at ? new Date(row.existing.closed_at) : null,
        })
      : undefined;
    return {
      existing,
      position: {
        jobsInFlight: row?.jobs ?? 0,
        gpuMsReserved: Number(row?.gpu_reserved ?? 0),
        tokensReserved: Number(row?.tokens_reserved ?? 0),
        gpuMsUsed: Number(row?.gpu_used ?? 0),
        tokensUsed: Number(row?.tokens_used ?? 0),
      },
    };
  }

  /** Inserts the reservation and its admission decision in one statement. */
  async insertReservation(scope: TenantScope, tx: Queryable, r: NewReservation): Promise<Reservation> {
    const rows = await tx.query<ReservationRow[]>(
      `WITH ins AS (
         INSERT INTO policy.reservations (id, tenant_id, job_id, agent_role, environment, gpu_count, max_duration_s,
           gpu_ms_reserved, tokens_reserved, status, expires_at, admitted_by, user_id, trace_id, session_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11, $12, $13, $14) RETURNING *
       ), decision AS (
         INSERT INTO policy.decisions (tenant_id, job_id, agent_role, operation, outcome, reason, reservation_id,
           gpu_ms, tokens, actor_id, trace_id)
         SELECT tenant_id, job_id, agent_role, 'admit', 'admitted', 'admitted', id, gpu_ms_reserved, tokens_reserved,
                admitted_by, trace_id FROM ins
       )
       SELECT * FROM ins`,
      [
        r.id,
        scope.tenantId,
        r.jobId,
        r.agentRole,
        r.environment,
        r.gpuCount,
        r.maxDurationS,
        r.gpuMsReserved,
        r.tokensReserved,
        r.expiresAt,
        r.admittedBy,
        r.userId ?? null,
        r.traceId ?? null,
        r.sessionId ?? null,
      ],
    );
    return toReservation(rows[0]!);
  }

  async insertDecision(db: Queryable, d: Decision): Promise<void> {
    await db.query(
      `INSERT INTO policy.decisions (tenant_id, job_id, agent_role, operation, outcome, reason, reservation_id,
         gpu_ms, tokens, actor_id, trace_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        d.tenantId,
        d.jobId,
        d.agentRole ?? null,
        d.operation,
        d.outcome,
        d.reason,
        d.reservationId ?? null,
        d.gpuMs ?? null,
        d.tokens ?? null,
        d.actorId ?? null,
        d.traceId ?? null,
      ],
    );
  }

  /** Releases the job's open reservation; undefined when there is none open. */
  async release(
    scope: TenantScope,
    tx: Queryable,
    jobId: string,
    reason: string,
    actorId: string,
  ): Promise<Reservation | undefined> {
    const rows = await tx.query<ReservationRow[]>(
      `WITH released AS (
         UPDATE policy.reservations SET status = 'released', closed_at = now(), close_reason = $3
          WHERE tenant_id = $1 AND job_id = $2 AND status = 'open' RETURNING *
       ), decision AS (
         INSERT INTO policy.decisions (tenant_id, job_id, agent_role, operation, outcome, reason, reservation_id, actor_id)
         SELECT tenant_id, job_id, agent_role, 'release', 'released', $3, id, $4 FROM released
       )
       SELECT * FROM released`,
      [scope.tenantId, jobId, reason, actorId],
    );
    return rows[0] ? toReservation(rows[0]) : undefined;
  }

  /** Expires every open reservation past its expiry (any tenant); returns them. */
  async expire(tx: Queryable, now: Date): Promise<Reservation[]> {
    const rows = await tx.query<ReservationRow[]>(
      `WITH expired AS (
         UPDATE policy.reservations SET status = 'expired', closed_at = $1,
           close_reason = 'no terminal execution event before max duration + grace'
          WHERE id IN (SELECT id FROM policy.reservations WHERE status = 'open' AND expires_at <= $1
                        ORDER BY expires_at LIMIT 1000 FOR UPDATE SKIP LOCKED)
          RETURNING *
       ), decision AS (
         INSERT INTO policy.decisions (tenant_id, job_id, agent_role, operation, outcome, reason, reservation_id)
         SELECT tenant_id, job_id, agent_role, 'expire', 'expired', close_reason, id FROM expired
       )
       SELECT * FROM expired`,
      [now],
    );
    return rows.map(toReservation);
  }

  /** The tenant's newest reservations, optionally only those with `status`. */
  async list(
    scope: TenantScope,
    status: ReservationStatus | undefined,
    limit: number,
  ): Promise<Reservation[]> {
    const rows = await this.db.query<ReservationRow[]>(
      `SELECT * FROM policy.reservations WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [scope.tenantId, status ?? null, limit],
    );
    return rows.map(toReservation);
  }
}
