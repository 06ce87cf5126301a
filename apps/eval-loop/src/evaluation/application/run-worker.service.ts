// Runs queued evaluations, one at a time per replica. A run is started only under its tenant's
// PostgreSQL advisory lock, held on a dedicated connection for the whole run, so the runs of a tenant
// never overlap whichever replicas pick them up; if the replica dies, its connection closes and the
// lock goes with it, and the run it held is recovered as an interrupted attempt. A failed attempt is
// retried with backoff; after the last one the run is failed, counted, and reported on mp.alerts.
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { errorMessage } from '@auraison/messaging';
import { LOGGER, type Logger } from '@auraison/observability';
import { DataSource } from 'typeorm';
import { AlertEvaluator } from '../../alerts/application/alert-evaluator.service.js';
import { DeliveryRelay } from '../../alerts/application/delivery-relay.service.js';
import { EVAL_OPTIONS, type EvalOptions } from '../../common/eval-options.js';
import { EvalMetrics } from '../../common/eval-metrics.js';
import { PollingLoop } from '@auraison/runtime';
import { runRetryDelayMs } from '../domain/run.js';
import { RunRepository, type ClaimedRun } from '../persistence/run.repository.js';
import { EvaluateRun } from './evaluate-run.usecase.js';
import { RunQueue } from './run-queue.service.js';

const ORPHAN_CHECK_MS = 30_000;
/** How long shutdown waits for the run in hand (Kubernetes allows 30 s in all). */
const SHUTDOWN_GRACE_MS = 10_000;

interface TenantLock {
  release(): Promise<void>;
}

@Injectable()
export class RunWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: PollingLoop;
  private lastOrphanCheck = 0;
  /** The run this replica is evaluating (its tenant's lock is held). */
  private current?: string;

  constructor(
    private readonly runs: RunRepository,
    private readonly evaluate: EvaluateRun,
    private readonly queue: RunQueue,
    private readonly alerts: AlertEvaluator,
    private readonly relay: DeliveryRelay,
    private readonly transactions: TransactionRunner,
    private readonly db: DataSource,
    private readonly metrics: EvalMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVAL_OPTIONS) private readonly options: EvalOptions,
  ) {
    this.loop = new PollingLoop({
      name: 'eval-loop run worker',
      pollMs: options.pollMs,
      maxBackoffMs: 30_000,
      logger,
      round: async () => this.round(),
    });
  }

  onApplicationBootstrap(): void {
    this.queue.onQueued(() => this.loop.nudge());
    this.loop.start();
  }

  /**
   * Lets the run in hand finish, for a while: a long run is left behind (its attempt fails as the
   * database closes, or its lock goes with the connection) and another replica picks it up again.
   */
  async beforeApplicationShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.loop.stop(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Looks for due runs now. */
  nudge(): void {
    this.loop.nudge();
  }

  private async round(): Promise<boolean> {
    if (Date.now() - this.lastOrphanCheck > ORPHAN_CHECK_MS) {
      this.lastOrphanCheck = Date.now();
      await this.recoverOrphans();
    }
    for (const candidate of await this.runs.due(10)) {
      const lock = await this.lockTenant(candidate.tenantId);
      if (!lock) continue; // another replica is evaluating this tenant
      try {
        const run = await this.runs.claim(candidate.id, candidate.tenantId);
        if (!run) continue;
        this.current = run.id;
        await this.attempt(run);
        return true;
      } finally {
        this.current = undefined;
        await lock.release();
      }
    }
    return false;
  }

  private async attempt(run: ClaimedRun): Promise<void> {
    const started = performance.now();
    try {
      const result = await this.evaluate.execute(run);
      this.metrics.runs.inc({ trigger: run.trigger, result: result.status });
      for (const [phase, ms] of Object.entries(result.timings))
        this.metrics.runDuration.observe({ phase: phase.replace(/_ms$/, '') }, ms / 1000);
      this.logger.info(
        {
          run_id: run.id,
          tenant_id: run.tenantId,
          trigger: run.trigger,
          status: result.status,
          signals: result.signals,
          transitions: result.transitions,
          ...(result.degradedReason ? { degraded_reason: result.degradedReason } : {}),
          ...result.timings,
        },
        'evaluation run finished',
      );
    } catch (e) {
      await this.failed(run, errorMessage(e), Math.round(performance.now() - started));
    }
  }

  private async failed(run: ClaimedRun, error: string, ms: number): Promise<void> {
    const retry = run.attempt < this.options.maxAttempts;
    const retryAt = retry
      ? new Date(Date.now() + runRetryDelayMs(run.attempt, this.options.retryBaseMs))
      : undefined;
    await this.transactions.run(async (db) => {
      await this.runs.failAttempt(db, run.id, error, retryAt, { total_ms: ms });
      if (!retry) {
        await this.alerts.runFailed(db, run.tenantId, run.id, run.attempt, error);
        db.afterCommit(() => this.relay.nudge());
      }
    });
    this.metrics.runs.inc({ trigger: run.trigger, result: retry ? 'retried' : 'failed' });
    this.logger.warn(
      {
        run_id: run.id,
        tenant_id: run.tenantId,
        attempt: run.attempt,
        max_attempts: this.options.maxAttempts,
        error,
        ...(retryAt ? { retry_at: retryAt.toISOString() } : {}),
      },
      retry ? 'evaluation run attempt failed, will retry' : 'evaluation run failed',
    );
  }

  /** Runs marked running whose tenant lock nobody holds lost their replica: queue them again. */
  private async recoverOrphans(): Promise<void> {
    for (const tenantId of await this.runs.tenantsWithRunningRuns()) {
      const lock = await this.lockTenant(tenantId);
      if (!lock) continue;
      try {
        const n = await this.runs.requeueOrphans(
          tenantId,
          this.options.maxAttempts,
          this.options.retryBaseMs,
        );
        if (n > 0)
          this.logger.warn({ tenant_id: tenantId, runs: n }, 'recovered interrupted evaluation runs');
      } finally {
        await lock.release();
      }
    }
  }

  /** The tenant's run lock on a connection of its own, or undefined when another session holds it. */
  private async lockTenant(tenantId: string): Promise<TenantLock | undefined> {
    const qr = this.db.createQueryRunner();
    await qr.connect();
    let locked = false;
    try {
      const rows = (await qr.query(
        `SELECT pg_try_advisory_lock(hashtext('auraison:eval-loop:run'), hashtext($1)) AS locked`,
        [tenantId],
      )) as Array<{ locked: boolean }>;
      locked = rows[0]?.locked === true;
    } finally {
      if (!locked) await qr.release();
    }
    if (!locked) return undefined;
    return {
      release: async () => {
        try {
          await qr.query(`SELECT pg_advisory_unlock(hashtext('auraison:eval-loop:run'), hashtext($1))`, [
            tenantId,
          ]);
        } finally {
          await qr.release();
        }
      },
    };
  }

  /** The run this replica is evaluating, if any (diagnostics and tests). */
  get inProgress(): string | undefined {
    return this.current;
  }
}
