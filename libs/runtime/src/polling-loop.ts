// A background loop for relays and workers (outboxes, alert publishers, schedulers): runs `round` until
// stopped, sleeps `pollMs` when idle, backs off exponentially after failures (logging the first and every
// tenth, and the recovery), wakes early on nudge() unless it is backing off.
import { exponentialDelay } from '@auraison/messaging';
import type { Logger } from '@auraison/observability';

export interface PollingLoopOptions {
  /** Names the loop in its log lines (`outbox relay failed, backing off`). */
  name: string;
  /** Sleep between rounds when idle, and the first backoff step. */
  pollMs: number;
  /** Longest backoff after repeated failures. */
  maxBackoffMs: number;
  logger: Logger;
  /** One round; resolves true when there may be more work right away. */
  round(): Promise<boolean>;
}

export class PollingLoop {
  private running?: Promise<void>;
  private stopped = false;
  private nudged = false;
  private failures = 0;
  private wake?: () => void;

  constructor(private readonly options: PollingLoopOptions) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Finishes the round in hand and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  nudge(): void {
    this.nudged = true;
    if (this.failures === 0) this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let delay = this.options.pollMs;
      this.nudged = false;
      try {
        const more = await this.options.round();
        if (this.failures > 0)
          this.options.logger.info({ after_failures: this.failures }, `${this.options.name} recovered`);
        this.failures = 0;
        if (more) delay = 0;
      } catch (err) {
        this.failures += 1;
        delay = exponentialDelay(this.failures, this.options.pollMs, this.options.maxBackoffMs);
        if (this.failures === 1 || this.failures % 10 === 0)
          this.options.logger.warn(
            { err: (err as Error).message, failures: this.failures, retry_in_ms: delay },
            `${this.options.name} failed, backing off`,
          );
      }
      if (delay > 0 && !(this.nudged && this.failures === 0) && !this.stopped) await this.sleep(delay);
    }
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
    });
    this.wake = undefined;
  }
}
