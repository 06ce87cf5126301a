// Pulls a durable consumer with fetch requests so that pulling overlaps processing while what this
// process holds stays bounded: buffered + requested messages never exceed `capacity`. (consume()
// keeps pulling whatever the handler does, so a stuck worker would hoard up to max_ack_pending
// messages that no other replica can take: TOOLCHAIN 16.)
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { exponentialDelay, sleep } from './backoff.js';

export interface MessagePullerOptions {
  /** Messages asked for by one pull request. */
  batchSize: number;
  /** Most messages buffered plus requested at any time (>= batchSize). */
  capacity: number;
  /** How long the server holds a pull request open (>= 1000 ms). */
  expiresMs: number;
  /** A pull failed (consumer or stream gone, no JetStream, connection trouble). */
  onError(err: unknown): void;
  /** A pull delivered messages or ended normally after failures. */
  onHealthy(): void;
  /** True once the connection is closed for good: pulling stops. */
  isClosed(): boolean;
}

export class MessagePuller {
  private readonly buffer: JsMsg[] = [];
  private readonly open = new Set<ConsumerMessages>();
  private readonly drains = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  private outstanding = 0;
  private failures = 0;
  private retryAt = 0;
  private loopDone: Promise<void> = Promise.resolve();

  constructor(
    private readonly consumer: Consumer,
    private readonly options: MessagePullerOptions,
  ) {
    if (options.capacity < options.batchSize) throw new Error('puller capacity must be at least batchSize');
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** Messages received and not yet taken. */
  get buffered(): readonly JsMsg[] {
    return this.buffer;
  }

  start(): void {
    this.loopDone = this.loop();
  }

  /**
   * Waits for at least one message, then up to `waitMs` more for `max`, and returns up to `max`
   * messages; returns [] once stopped (the buffer then belongs to stop()).
   */
  async take(max: number, waitMs: number): Promise<JsMsg[]> {
    while (this.buffer.length === 0) {
      if (this.stopped) return [];
      await this.changed();
    }
    const until = Date.now() + waitMs;
    while (this.buffer.length < max && !this.stopped) {
      const left = until - Date.now();
      if (left <= 0) break;
      await this.changed(left);
    }
    if (this.stopped) return [];
    const taken = this.buffer.splice(0, max);
    // Room in the buffer: the pull loop may be waiting for it (with no pull outstanding, nothing else
    // would wake it).
    this.notify();
    return taken;
  }

  /** Stops pulling and returns the messages received but not taken (the caller releases them). */
  async stop(): Promise<JsMsg[]> {
    if (!this.stopped) {
      this.abort.abort();
      this.notify();
      await Promise.all([...this.open].map(async (iter) => iter.close().catch(() => undefined)));
    }
    await this.loopDone;
    await Promise.all([...this.drains]);
    return this.buffer.splice(0);
  }

  private async loop(): Promise<void> {
    while (!this.stopped && !this.options.isClosed()) {
      const wait = this.retryAt - Date.now();
      if (wait > 0) {
        await sleep(wait, this.abort.signal);
        continue;
      }
      if (this.options.capacity - this.buffer.length - this.outstanding < this.options.batchSize) {
        await this.changed();
        continue;
      }
      const requested = this.options.batchSize;
      this.outstanding += requested;
      let iter: ConsumerMessages;
      try {
        iter = await this.consumer.fetch({ max_messages: requested, expires: this.options.expiresMs });
      } catch (err) {
        this.outstanding -= requested;
        this.failed(err);
        continue;
      }
      this.open.add(iter);
      const drain = this.drain(iter, requested);
      this.drains.add(drain);
      void drain.finally(() => this.drains.delete(drain));
      // stop() may have run while fetch() was resolving: it did not see this request.
      if (this.stopped) void iter.close().catch(() => undefined);
    }
  }

  private async drain(iter: ConsumerMessages, requested: number): Promise<void> {
    const started = Date.now();
    let received = 0;
    let error: unknown;
    try {
      for await (const msg of iter) {
        received++;
        this.outstanding--;
        if (this.stopped) releaseNow(msg);
        else this.buffer.push(msg);
        this.notify();
      }
    } catch (err) {
      error = err;
    } finally {
      this.outstanding -= requested - received;
      this.open.delete(iter);
      this.notify();
    }
    if (this.stopped) return;
    // A pull that fails, or ends at once with nothing, must not turn into a busy loop.
    if (error !== undefined) this.failed(error);
    else if (received === 0 && Date.now() - started < this.options.expiresMs / 2) this.failed(undefined);
    else {
      this.failures = 0;
      this.options.onHealthy();
    }
  }

  private failed(err: unknown): void {
    this.failures++;
    this.retryAt = Date.now() + exponentialDelay(this.failures, 100, 5000);
    if (err !== undefined) this.options.onError(err);
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves at the next buffer or state change (or after `timeoutMs`). */
  private async changed(timeoutMs?: number): Promise<void> {
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
      if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
    });
  }
}

/** Gives a message back for immediate redelivery (to this or another replica). */
export function releaseNow(msg: JsMsg): void {
  try {
    msg.nak();
  } catch {
    // Connection closed: the server redelivers after ack_wait anyway.
  }
}
