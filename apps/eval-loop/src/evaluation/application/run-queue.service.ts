// Queues evaluation runs for the triggers (schedule, every N executions, manual requests) and wakes the
// run worker once the queueing transaction has committed.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TransactionRunner, type Tx } from '@auraison/api-kit';
import { EVAL_OPTIONS, type EvalOptions } from '../../common/eval-options.js';
import type { EvaluationRun, RunTrigger } from '../domain/run.js';
import { RunRepository } from '../persistence/run.repository.js';

export interface RunRequest {
  tenantId: string;
  trigger: RunTrigger;
  /** Default: EVAL_WINDOW_HOURS. */
  windowHours?: number;
  /** Evaluate the window ending here (default: when the run starts). */
  windowEnd?: Date;
  requestedBy?: string;
}

@Injectable()
export class RunQueue {
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly runs: RunRepository,
    private readonly transactions: TransactionRunner,
    @Inject(EVAL_OPTIONS) private readonly options: EvalOptions,
  ) {}

  /** Called after a commit that queued runs (the worker subscribes). */
  onQueued(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Queues a run in `db`'s transaction, or joins the tenant's waiting run. */
  async request(db: Tx, request: RunRequest): Promise<{ run: EvaluationRun; created: boolean }> {
    const result = await this.runs.enqueue(db, {
      id: randomUUID(),
      tenantId: request.tenantId,
      trigger: request.trigger,
      windowHours: request.windowHours ?? this.options.windowHours,
      ...(request.windowEnd ? { windowEnd: request.windowEnd } : {}),
      ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    });
    db.afterCommit(() => this.notify());
    return result;
  }

  /** Queues a run in a transaction of its own. */
  async requestNow(request: RunRequest): Promise<{ run: EvaluationRun; created: boolean }> {
    return this.transactions.run(async (db) => this.request(db, request));
  }

  /** Queues the runs of a schedule fire, in `db`'s transaction. */
  async schedule(db: Tx, tenantIds: readonly string[], fireTime: Date): Promise<number> {
    const queued = await this.runs.enqueueScheduled(db, tenantIds, fireTime, this.options.windowHours);
    if (queued > 0) db.afterCommit(() => this.notify());
    return queued;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
