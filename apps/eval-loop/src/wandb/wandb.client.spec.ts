import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFakeWandb, type FakeWandb } from '../../test/support/fake-wandb.js';
import { unwrapConfig, WandbClient, WandbUnavailableError } from './wandb.client.js';

describe('WandbClient against a W&B-shaped GraphQL endpoint', () => {
  let wandb: FakeWandb;
  const noSleep = async (): Promise<void> => Promise.resolve();

  beforeAll(async () => {
    wandb = await startFakeWandb({ pageSize: 3 });
    for (let i = 0; i < 8; i++)
      wandb.runs.push({
        id: `run-${i}`,
        name: `r${i}`,
        state: 'finished',
        config: { job_id: `job-${i % 4}`, lr: 0.001 * (i + 1) },
        summary: { 'eval/loss': 1 / (i + 1), _step: 100 },
        createdAt: `2026-12-0${1 + (i % 3)}T00:00:0${i}Z`,
      });
  });

  afterAll(async () => {
    await wandb.close();
  });

  const client = (overrides: Partial<ConstructorParameters<typeof WandbClient>[0]> = {}) =>
    new WandbClient({
      baseUrl: wandb.url,
      entity: 'acme',
      project: 'agents',
      apiKey: wandb.apiKey,
      sleep: noSleep,
      ...overrides,
    });

  it('should follow the cursor across pages and decode config and summary', async () => {
    const before = wandb.requests;
    const runs = await client().runsForJobs(['job-1', 'job-2']);
    expect(runs.map((r) => r.id).sort()).toEqual(['run-1', 'run-2', 'run-5', 'run-6']);
    expect(wandb.requests - before).toBe(2); // 4 runs in pages of 3
    const r5 = runs.find((r) => r.id === 'run-5')!;
    expect(r5.jobId).toBe('job-1');
    expect(r5.config.lr).toBeCloseTo(0.006, 10);
    expect(r5.summary['eval/loss']).toBeCloseTo(1 / 6, 10);
  });

  it('should retry after HTTP 429 and 500 and then succeed', async () => {
    wandb.failures.push(429, 500);
    const runs = await client().runsForJobs(['job-3']);
    expect(runs.map((r) => r.id).sort()).toEqual(['run-3', 'run-7']);
  });

  it('should give up with WandbUnavailableError when W&B stays down or refuses the key', async () => {
    await expect(
      client({ baseUrl: 'http://127.0.0.1:9', maxAttempts: 2 }).runsForJobs(['job-1']),
    ).rejects.toBeInstanceOf(WandbUnavailableError);
    await expect(client({ apiKey: 'wrong' }).runsForJobs(['job-1'])).rejects.toThrow(/refused the API key/);
  });

  it('should not ask W&B anything for no jobs', async () => {
    const before = wandb.requests;
    expect(await client().runsForJobs([])).toEqual([]);
    expect(wandb.requests).toBe(before);
  });
});

describe('unwrapConfig', () => {
  it('should remove {"value": ...} wrappers and keep plain values', () => {
    expect(unwrapConfig({ a: { value: 1, desc: null }, b: 2, c: { nested: true } })).toEqual({
      a: 1,
      b: 2,
      c: { nested: true },
    });
  });
});
