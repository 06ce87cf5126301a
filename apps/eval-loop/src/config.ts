import { baseServiceEnv, loadConfig, z, type Env } from '@auraison/config';
import { CronError, parseCron } from './schedule/domain/cron.js';

export const SERVICE_NAME = 'eval-loop';

const url = (description: string, fallback: string) =>
  z
    .url({ protocol: /^https?$/ })
    .default(fallback)
    .describe(description);

/** Environment variables of eval-loop (README "Configuration"). */
export const evalLoopEnv = baseServiceEnv({ httpPort: 3005 }).extend({
  EVAL_SCHEDULE: z
    .string()
    .default('@daily')
    .refine(
      (v) => {
        try {
          parseCron(v);
          return true;
        } catch (e) {
          if (e instanceof CronError) return false;
          throw e;
        }
      },
      {
        message:
          'must be a 5-field cron expression (minute hour day month weekday) or @hourly/@daily/@weekly',
      },
    )
    .describe('when scheduled evaluation runs start, cron in UTC'),
  EVAL_EVERY_N_EXECUTIONS: z.coerce
    .number()
    .int()
    .min(0)
    .default(100)
    .describe("also run a tenant's evaluation after this many terminal executions (0 = schedule only)"),
  EVAL_WINDOW_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24)
    .describe('length of the evaluated window'),
  EVAL_MIN_SAMPLE_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('below this many runs a slice is a small sample'),
  EVAL_AGENT_LOOKBACK_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 30)
    .default(24)
    .describe(
      "agent events this many hours before a window are read too (they dispatched the window's jobs)",
    ),
  EVAL_RUN_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(20)
    .default(4)
    .describe('attempts of an evaluation run before it is reported failed'),
  EVAL_RUN_RETRY_SECONDS: z.coerce
    .number()
    .min(0.1)
    .max(3600)
    .default(30)
    .describe('delay before the first retry of a failed run, doubled for each later one'),
  EVAL_WEBHOOK_ALLOW_PRIVATE: z
    .stringbool()
    .default(false)
    .describe('allow alert webhooks to loopback, private and link-local addresses'),
  EVAL_LABEL_KEY: z
    .string()
    .min(1)
    .default('job_kind')
    .describe('event label whose value is the job-label dimension'),
  MP_TENANT_REGISTRY_URL: url('tenant registry base URL (token exchange)', 'http://127.0.0.1:3001'),
  MP_OBSERVABILITY_URL: url('observability store base URL (events)', 'http://127.0.0.1:3003'),
  MP_BILLING_URL: url('billing base URL (job costs)', 'http://127.0.0.1:3004'),
  MP_SERVICE_API_KEY: z
    .string()
    .regex(/^mpk_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/, 'must be an API key (mpk_...)')
    .optional()
    .describe("API key of a service account of the platform tenant, to read other services' APIs"),
  WANDB_BASE_URL: url('W&B API base URL', 'https://api.wandb.ai'),
  WANDB_ENTITY: z.string().optional().describe('W&B entity (team or user); W&B is off without it'),
  WANDB_PROJECT: z.string().optional().describe('W&B project; W&B is off without it'),
  WANDB_API_KEY: z.string().optional().describe('W&B API key (secret); W&B is off without it'),
  WANDB_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10)
    .default(5)
    .describe('attempts per W&B request (429 and 5xx back off from 0.5 s, doubling) before the run degrades'),
  WANDB_JOB_ID_KEY: z.string().min(1).default('job_id').describe("run config key holding the plane's job id"),
});

export type EvalLoopConfig = z.infer<typeof evalLoopEnv>;

export function loadEvalLoopConfig(env: Env): EvalLoopConfig {
  return loadConfig(SERVICE_NAME, evalLoopEnv, env);
}
