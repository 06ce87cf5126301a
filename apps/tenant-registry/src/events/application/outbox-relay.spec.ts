import { describe, expect, it } from '@jest/globals';
import type { Logger } from '@auraison/observability';
import type { OutboxPublisher } from '../persistence/jetstream-outbox.publisher.js';
import type { BatchOutcome, OutboxMessage, OutboxRepository } from '../persistence/outbox.repository.js';
import { OutboxRelay } from './outbox-relay.service.js';
import { TenantChangeNotifier } from './tenant-change.notifier.js';

/** In-memory outbox with the repository's contract: id order, marks what the handler published. */
class FakeOutbox {
  readonly rows: Array<OutboxMessage & { published: boolean }> = [];
  add(n: number): void {
    for (let i = 0; i < n; i++) {
      const id = this.rows.length + 1;
      this.rows.push({
        id,
        eventId: `e${id}`,
        subject: 's',
        messageType: 't',
        payload: new Uint8Array(),
        headers: {},
        published: false,
      });
    }
  }
  async processBatch(limit: number, handle: (m: OutboxMessage[]) => Promise<BatchOutcome>) {
    const batch = this.rows.filter((r) => !r.published).slice(0, limit);
    if (batch.length === 0) return { claimed: 0, published: 0 };
    const outcome = await handle(batch);
    for (const id of outcome.published) this.rows.find((r) => r.id === id)!.published = true;
    return { claimed: batch.length, published: outcome.published.length, error: outcome.error };
  }
}

class FakePublisher implements OutboxPublisher {
  readonly sent: string[] = [];
  down = false;
  attempts = 0;
  async publish(m: OutboxMessage): Promise<void> {
    await Promise.resolve();
    this.attempts += 1;
    if (this.down) throw new Error('no responders');
    this.sent.push(m.eventId);
  }
}

const silent = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  error: () => undefined,
} as unknown as Logger;

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function setup(options: { pollMs?: number; batchSize?: number } = {}) {
  const outbox = new FakeOutbox();
  const publisher = new FakePublisher();
  const notifier = new TenantChangeNotifier();
  const relay = new OutboxRelay(outbox as unknown as OutboxRepository, publisher, notifier, silent, {
    pollMs: options.pollMs ?? 10_000,
    batchSize: options.batchSize ?? 3,
    maxBackoffMs: 80,
  });
  return { outbox, publisher, notifier, relay };
}

describe('OutboxRelay', () => {
  it('should publish pending messages in id order across batches, each once', async () => {
    const { outbox, publisher, relay } = setup({ batchSize: 3 });
    outbox.add(7);
    relay.onApplicationBootstrap();
    await until(() => publisher.sent.length === 7);
    await relay.beforeApplicationShutdown();
    expect(publisher.sent).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
    expect(outbox.rows.every((r) => r.published)).toBe(true);
  });

  it('should publish right after a commit nudges it instead of waiting for the next poll', async () => {
    const { outbox, publisher, notifier, relay } = setup({ pollMs: 60_000 });
    relay.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 20));
    outbox.add(1);
    notifier.changed('tenant');
    await until(() => publisher.sent.length === 1, 1000);
    await relay.beforeApplicationShutdown();
  });

  it('should back off while NATS is down, keep the rows unpublished, and deliver them once it is back', async () => {
    const { outbox, publisher, relay } = setup({ pollMs: 5 });
    publisher.down = true;
    outbox.add(2);
    relay.onApplicationBootstrap();
    await until(() => publisher.attempts >= 4);
    expect(outbox.rows.some((r) => r.published)).toBe(false);
    // Backing off: attempts grow slower than the 5 ms poll would allow.
    const before = publisher.attempts;
    await new Promise((r) => setTimeout(r, 100));
    expect(publisher.attempts - before).toBeLessThan(10);
    publisher.down = false;
    await until(() => publisher.sent.length === 2);
    await relay.beforeApplicationShutdown();
    expect(publisher.sent).toEqual(['e1', 'e2']);
  });

  it('should mark what went out before a failure so it is not sent twice', async () => {
    const { outbox, publisher, relay } = setup({ pollMs: 5, batchSize: 10 });
    outbox.add(3);
    let calls = 0;
    const original = publisher.publish.bind(publisher);
    publisher.publish = async (m) => {
      calls += 1;
      if (calls === 2) throw new Error('timeout');
      return original(m);
    };
    relay.onApplicationBootstrap();
    await until(() => publisher.sent.length === 3);
    await relay.beforeApplicationShutdown();
    expect(publisher.sent).toEqual(['e1', 'e2', 'e3']);
  });

  it('should stop promptly on shutdown', async () => {
    const { relay } = setup({ pollMs: 60_000 });
    relay.onApplicationBootstrap();
    const started = Date.now();
    await relay.beforeApplicationShutdown();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
