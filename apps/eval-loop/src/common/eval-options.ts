// The evaluation settings every feature reads, built once from the validated config.
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { parseCron, type CronSchedule } from '../schedule/domain/cron.js';
import type { EvalLoopConfig } from '../config.js';

export interface EvalOptions {
  schedule: CronSchedule;
  /** Run a tenant's evaluation after this many terminal executions (0 = schedule only). */
  everyNExecutions: number;
  windowHours: number;
  minSampleSize: number;
  labelKey: string;
  /** Agent events this far before a window still describe its jobs (they dispatched them). */
  agentLookbackHours: number;
  /** Attempts of a run before it fails for good. */
  maxAttempts: number;
  /** Delay before the first retry; doubled for each later one. */
  retryBaseMs: number;
  /** Webhooks may target loopback and private addresses (tests, single-host setups). */
  webhookAllowPrivate: boolean;
  /** Idle poll interval of the run worker and the delivery relay. */
  pollMs: number;
}

export const EVAL_OPTIONS = Symbol('EVAL_OPTIONS');

export function evalOptionsFrom(config: EvalLoopConfig): EvalOptions {
  return {
    schedule: parseCron(config.EVAL_SCHEDULE),
    everyNExecutions: config.EVAL_EVERY_N_EXECUTIONS,
    windowHours: config.EVAL_WINDOW_HOURS,
    minSampleSize: config.EVAL_MIN_SAMPLE_SIZE,
    labelKey: config.EVAL_LABEL_KEY,
    agentLookbackHours: config.EVAL_AGENT_LOOKBACK_HOURS,
    maxAttempts: config.EVAL_RUN_MAX_ATTEMPTS,
    retryBaseMs: Math.round(config.EVAL_RUN_RETRY_SECONDS * 1000),
    webhookAllowPrivate: config.EVAL_WEBHOOK_ALLOW_PRIVATE,
    pollMs: 1000,
  };
}

@Global()
@Module({})
export class EvalOptionsModule {
  static forRoot(options: EvalOptions): DynamicModule {
    return {
      module: EvalOptionsModule,
      providers: [{ provide: EVAL_OPTIONS, useValue: options }],
      exports: [EVAL_OPTIONS],
    };
  }
}
