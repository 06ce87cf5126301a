// Every MP_SWEEP_INTERVAL_MS, on every replica: expires reservations whose job neither reported a
// terminal status nor was released within its maximum duration plus grace, closes expired actuation
// gates (audited), and drops rate windows nobody reads any more. Replicas never do the same work twice
// (FOR UPDATE SKIP LOCKED, deletes).
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from '@auraison/observability';
import { Clock } from '../../common/application/clock.js';
import { POLICY_ENGINE_OPTIONS, type PolicyEngineOptions } from '../../common/application/options.js';
import { TransactionRunner } from '@auraison/api-kit';
import { Gates } from '../../gates/application/gates.service.js';
import { PolicyMetrics } from '../../metrics/policy-metrics.js';
import { RateCounterRepository } from '../../rate-limits/persistence/rate-counter.repository.js';
import { QuotaRepository } from '../persistence/quota.repository.js';

@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastPrune = 0;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly quota: QuotaRepository,
    private readonly gates: Gates,
    private readonly rates: RateCounterRepository,
    private readonly clock: Clock,
    private readonly metrics: PolicyMetrics,
    @Inject(POLICY_ENGINE_OPTIONS) private readonly options: PolicyEngineOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then(() => undefined)
        .finally(() => (this.running = undefined));
    }, this.options.sweepIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; errors are logged and retried next time. */
  async sweep(): Promise<{ reservations: number; gates: number }> {
    try {
      const now = this.clock.now();
      const expired = await this.transactions.run(async (tx) => this.quota.expire(tx, now));
      if (expired.length > 0) {
        this.metrics.settlements.inc({ kind: 'expired' }, expired.length);
        this.logger.info({ count: expired.length }, 'reservations expired');
      }
      const gates = await this.gates.closeExpired();
      if (now.getTime() - this.lastPrune > 60_000) {
        this.lastPrune = now.getTime();
        await this.rates.prune(new Date(now.getTime() - 10 * 60_000));
      }
      return { reservations: expired.length, gates };
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'expiry sweep failed; retrying next interval');
      return { reservations: 0, gates: 0 };
    }
  }
}
