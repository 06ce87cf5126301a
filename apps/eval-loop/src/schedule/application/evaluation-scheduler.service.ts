// The cron trigger: when the schedule fires (EVAL_SCHEDULE, UTC), every active tenant gets a run of the
// window ending at the fire time. Every replica watches the clock; the one that records the fire first
// queues the runs, so a fire is handled once. A fire missed while the database was unreachable is
// handled when it is back (the latest one only); fires from before this process started are not.
// Hourly, old bookkeeping (counted event ids, fires, finished deliveries) is pruned.
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { errorMessage } from '@auraison/messaging';
import { LOGGER, type Logger } from '@auraison/observability';
import { TenantProjection } from '@auraison/tenancy';
import { EVAL_OPTIONS, type EvalOptions } from '../../common/eval-options.js';
import { RunQueue } from '../../evaluation/application/run-queue.service.js';
import { nextRun } from '../domain/cron.js';
import { TriggerRepository } from '../persistence/trigger.repository.js';

const MAX_SLEEP_MS = 60_000;
const PRUNE_EVERY_MS = 3_600_000;
/** Bookkeeping kept this long (the streams keep messages 7 days; redeliveries come much sooner). */
const RETENTION_DAYS = 30;

@Injectable()
export class EvaluationScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private lastCheck = new Date();
  private lastPrune = 0;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly triggers: TriggerRepository,
    private readonly tenants: TenantProjection,
    private readonly queue: RunQueue,
    private readonly transactions: TransactionRunner,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVAL_OPTIONS) private readonly options: EvalOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.lastCheck = new Date();
    this.lastPrune = Date.now();
    this.arm();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
  }

  /** When the schedule next fires after `after`. */
  nextFire(after: Date = this.lastCheck): Date {
    return nextRun(this.options.schedule, after);
  }

  /**
   * Handles the latest fire time in (last check, now], if any; returns the runs it queued (0 when
   * another replica had handled the fire). Public so tests can drive the clock.
   */
  async tick(now: Date = new Date()): Promise<{ fireTime?: Date; queued: number }> {
    let fire: Date | undefined;
    for (let t = this.nextFire(this.lastCheck); t.getTime() <= now.getTime(); t = this.nextFire(t)) fire = t;
    if (!fire) {
      this.lastCheck = now;
      return { queued: 0 };
    }
    const active = (await this.tenants.all()).filter((t) => t.status === 'active').map((t) => t.tenantId);
    const queued = await this.transactions.run(async (db) => {
      if (!(await this.triggers.claimFire(db, fire, active.length))) return 0;
      return this.queue.schedule(db, active, fire);
    });
    this.lastCheck = now;
    if (queued > 0)
      this.logger.info({ fire_time: fire.toISOString(), runs: queued }, 'scheduled evaluation runs queued');
    return { fireTime: fire, queued };
  }

  private arm(): void {
    if (this.stopped) return;
    const wait = Math.max(0, Math.min(MAX_SLEEP_MS, this.nextFire().getTime() - Date.now() + 5));
    this.timer = setTimeout(() => {
      this.ticking = this.onTimer().finally(() => this.arm());
    }, wait);
    this.timer.unref();
  }

  private async onTimer(): Promise<void> {
    try {
      await this.tick(new Date());
      if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
        this.lastPrune = Date.now();
        const pruned = await this.triggers.prune(RETENTION_DAYS);
        this.logger.debug({ pruned }, 'eval-loop bookkeeping pruned');
      }
    } catch (e) {
      // lastCheck stays put: the fire is handled on a later tick.
      this.logger.warn({ err: errorMessage(e) }, 'evaluation schedule tick failed, will retry');
    }
  }
}
