import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFakeWandb, type FakeWandb } from '../../test/support/fake-wandb.js';
import { InputUnavailableError } from '../inputs/application/ports.js';
import { WandbRunsSource } from './wandb.source.js';

describe('WandbRunsSource', () => {
  let wandb: FakeWandb;

  beforeAll(async () => {
    wandb = await startFakeWandb();
    wandb.runs.push(
      {
        id: 'a',
        name: 'a',
        state: 'finished',
        config: { job_id: 'j1' },
        summary: { loss: 1, _step: 3 },
        createdAt: '2026-12-01T00:00:00Z',
      },
      {
        id: 'b',
        name: 'b',
        state: 'finished',
        config: { job_id: 'j1' },
        summary: { loss: 0.5 },
        createdAt: '2026-12-01T00:00:01Z',
      },
    );
  });

  afterAll(async () => {
    await wandb.close();
  });

  const settings = () => ({
    baseUrl: wandb.url,
    entity: 'acme',
    project: 'agents',
    apiKey: wandb.apiKey,
    jobIdKey: 'job_id',
  });

  it('should average the numeric summary metrics of each job', async () => {
    const result = await new WandbRunsSource(settings()).metricsByJob(['j1']);
    expect(result.runs).toBe(2);
    expect(Object.fromEntries(result.metrics)).toEqual({ j1: { loss: 0.75 } });
  });

  it('should say W&B is not configured when a setting is missing', async () => {
    const source = new WandbRunsSource({ ...settings(), apiKey: undefined });
    await expect(source.metricsByJob(['j1'])).rejects.toThrow(
      new InputUnavailableError('W&B is not configured (set WANDB_ENTITY, WANDB_PROJECT and WANDB_API_KEY)'),
    );
  });

  it('should turn any W&B failure into an unavailable input (the run degrades)', async () => {
    const wrongKey = new WandbRunsSource({ ...settings(), apiKey: 'wrong' });
    await expect(wrongKey.metricsByJob(['j1'])).rejects.toBeInstanceOf(InputUnavailableError);
    const down = new WandbRunsSource({ ...settings(), baseUrl: 'http://127.0.0.1:9', maxAttempts: 1 });
    await expect(down.metricsByJob(['j1'])).rejects.toThrow(/W&B unreachable after 1 attempts/);
  });
});
