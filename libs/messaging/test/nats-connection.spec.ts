import { describe, expect, it } from '@jest/globals';
import { natsUrl } from '@auraison/testing';
import { connectNats, NatsConnectionMonitor, type ReadinessResult } from '../src/index.js';

describe('connectNats', () => {
  it('should report ready while connected and not ready once the connection is closed', async () => {
    const checks = new Map<string, () => ReadinessResult | Promise<ReadinessResult>>();
    const nc = await connectNats({ url: ` ${natsUrl()} , ${natsUrl()}`, name: 'connection-test' });
    new NatsConnectionMonitor(nc).register({ addReadinessCheck: (name, check) => checks.set(name, check) });

    expect(await checks.get('nats')!()).toMatchObject({
      ok: true,
      detail: expect.stringContaining('connected'),
    });
    await nc.close();
    expect(await checks.get('nats')!()).toMatchObject({
      ok: false,
      detail: expect.stringContaining('closed'),
    });
  });

  it('should fail fast when no server answers and waitOnFirstConnect is off', async () => {
    await expect(
      connectNats({ url: 'nats://127.0.0.1:1', name: 'nowhere', timeoutMs: 1000 }),
    ).rejects.toThrow();
  });
});
