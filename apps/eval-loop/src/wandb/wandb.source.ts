// W&B as an optional input: the runs whose config carries the window's job ids, their numeric summary
// metrics averaged per job. Not configured, unreachable, refusing the key or answering errors: the run
// goes on without W&B and is degraded with the reason (InputUnavailableError).
import { WandbSource, InputUnavailableError } from '../inputs/application/ports.js';
import { wandbMetricsByJob } from '../evaluation/domain/outcomes.js';
import { WandbClient, type WandbOptions } from './wandb.client.js';

export interface WandbSettings {
  baseUrl: string;
  entity?: string;
  project?: string;
  apiKey?: string;
  jobIdKey: string;
  maxAttempts?: number;
}

export class WandbRunsSource extends WandbSource {
  private readonly client?: WandbClient;

  constructor(settings: WandbSettings, overrides: Partial<WandbOptions> = {}) {
    super();
    if (settings.entity && settings.project && settings.apiKey)
      this.client = new WandbClient({
        baseUrl: settings.baseUrl,
        entity: settings.entity,
        project: settings.project,
        apiKey: settings.apiKey,
        jobIdKey: settings.jobIdKey,
        ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}),
        ...overrides,
      });
  }

  async metricsByJob(
    jobIds: readonly string[],
  ): Promise<{ runs: number; metrics: Map<string, Record<string, number>> }> {
    if (!this.client)
      throw new InputUnavailableError(
        'W&B is not configured (set WANDB_ENTITY, WANDB_PROJECT and WANDB_API_KEY)',
      );
    try {
      const runs = await this.client.runsForJobs(jobIds);
      return { runs: runs.length, metrics: wandbMetricsByJob(runs) };
    } catch (e) {
      throw new InputUnavailableError((e as Error).message);
    }
  }
}
