import { describe, expect, it, jest } from '@jest/globals';
import type { Logger } from '@auraison/observability';
import { PollingLoop } from './polling-loop.js';

function logger(): Logger & { warn: jest.Mock; info: jest.Mock } {
  return { warn: jest.fn(), info: jest.fn() } as unknown as Logger & { warn: jest.Mock; info: jest.Mock };
}

const until = async (check: () => boolean, ms = 2000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('PollingLoop', () => {
  it('should run rounds back to back while they report more work, then poll', async () => {
    let rounds = 0;
    const loop = new PollingLoop({
      name: 'test',
      pollMs: 10_000,
      maxBackoffMs: 10_000,
      logger: logger(),
      round: async () => {
        await Promise.resolve();
        return ++rounds < 5;
      },
    });
    loop.start();
    await until(() => rounds >= 5);
    await new Promise((r) => setTimeout(r, 50));
    expect(rounds).toBe(5);
    await loop.stop();
  });

  it('should wake on nudge while idle', async () => {
    let rounds = 0;
    const loop = new PollingLoop({
      name: 'test',
      pollMs: 60_000,
      maxBackoffMs: 60_000,
      logger: logger(),
      round: async () => {
        await Promise.resolve();
        rounds++;
        return false;
      },
    });
    loop.start();
    await until(() => rounds === 1);
    loop.nudge();
    await until(() => rounds === 2);
    await loop.stop();
  });

  it('should back off after failures, log the first and log the recovery', async () => {
    const log = logger();
    let calls = 0;
    const loop = new PollingLoop({
      name: 'relay',
      pollMs: 20,
      maxBackoffMs: 10_000,
      logger: log,
      round: async () => {
        await Promise.resolve();
        calls++;
        if (calls <= 2) throw new Error('nats down');
        return false;
      },
    });
    loop.start();
    await until(() => calls >= 3, 5000);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]?.[1]).toBe('relay failed, backing off');
    expect(log.info).toHaveBeenCalledWith({ after_failures: 2 }, 'relay recovered');
    await loop.stop();
  });

  it('should finish the round in hand on stop and run no more', async () => {
    let rounds = 0;
    let release!: () => void;
    const loop = new PollingLoop({
      name: 'test',
      pollMs: 1,
      maxBackoffMs: 1,
      logger: logger(),
      round: async () => {
        rounds++;
        await new Promise<void>((r) => (release = r));
        return true;
      },
    });
    loop.start();
    await until(() => rounds === 1);
    const stopped = loop.stop();
    release();
    await stopped;
    expect(rounds).toBe(1);
  });
});
