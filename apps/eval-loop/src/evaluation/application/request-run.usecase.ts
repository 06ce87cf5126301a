// A manual evaluation run (POST /api/v1/eval/runs): queued for the worker, or joined to the tenant's
// waiting run, which is then brought forward.
import { Injectable } from '@nestjs/common';
import { conflictField, invalidField, notFound } from '@auraison/api-kit';
import { TenantScope, type Principal } from '@auraison/auth';
import { TenantProjection } from '@auraison/tenancy';
import type { EvaluationRun } from '../domain/run.js';
import { RunQueue } from './run-queue.service.js';

export interface RequestRunCommand {
  tenantId?: string;
  windowHours?: number;
  /** A past window (backfill); default: the window ending when the run starts. */
  windowEnd?: Date;
}

/** Clock skew tolerated on window_end. */
const SKEW_MS = 60_000;

@Injectable()
export class RequestRun {
  constructor(
    private readonly queue: RunQueue,
    private readonly tenants: TenantProjection,
  ) {}

  async execute(p: Principal, command: RequestRunCommand): Promise<{ run: EvaluationRun; created: boolean }> {
    const scope = TenantScope.of(p, command.tenantId);
    if (!(await this.tenants.get(scope.tenantId)))
      throw notFound('tenant', command.tenantId ? 'tenant_id' : undefined);
    if (command.windowEnd && command.windowEnd.getTime() > Date.now() + SKEW_MS)
      throw invalidField('window_end', 'window_end must not be in the future');
    const result = await this.queue.requestNow({
      tenantId: scope.tenantId,
      trigger: 'manual',
      ...(command.windowHours ? { windowHours: command.windowHours } : {}),
      ...(command.windowEnd ? { windowEnd: command.windowEnd } : {}),
      requestedBy: p.subject,
    });
    // A waiting run keeps its own window: an explicit one cannot join it.
    if (
      !result.created &&
      command.windowEnd &&
      result.run.windowEnd?.getTime() !== command.windowEnd.getTime()
    )
      throw conflictField(
        'window_end',
        'a run of this tenant is already queued; ask again once it has started',
      );
    return result;
  }
}
