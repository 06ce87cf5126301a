// Creates the monthly partitions of the history ahead of time: at start-up and every hour (a no-op
// unless a month is missing). Partitions are created by the SECURITY DEFINER function of the migration,
// since the runtime role may not create tables. Several replicas may do this at once: the function
// tolerates it.
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { LOGGER, type Logger } from '@auraison/observability';
import { monthsAround } from '../domain/months.js';
import { PartitionRepository } from '../persistence/partition.repository.js';

const EVERY_MS = 60 * 60 * 1000;

@Injectable()
export class PartitionMaintenance implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly partitions: PartitionRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const run = (): void => {
      this.running = this.ensure().catch((err: unknown) => {
        this.logger.warn(
          { err: (err as Error).message },
          'monthly partitions not checked; retrying within the hour',
        );
      });
    };
    run();
    this.timer = setInterval(run, EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Ensures the partitions around `now`; returns the months created. */
  async ensure(now = new Date()): Promise<string[]> {
    const created: string[] = [];
    for (const month of monthsAround(now)) if (await this.partitions.ensureMonth(month)) created.push(month);
    if (created.length > 0) this.logger.info({ months: created }, 'monthly history partitions created');
    return created;
  }
}
