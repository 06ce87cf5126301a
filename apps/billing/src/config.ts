import { baseServiceEnv, loadConfig, z, type Env } from '@auraison/config';

export const SERVICE_NAME = 'billing';

/** Environment variables of billing (apps/billing/README.md "Configuration"). */
export const billingEnv = baseServiceEnv({ httpPort: 3004 }).extend({
  MP_BILLING_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(5000)
    .default(500)
    .describe('usage events per ingest transaction (per consumer and replica)'),
  MP_BILLING_ACK_WAIT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(600)
    .default(30)
    .describe('seconds before a usage event held by a replica that died is redelivered to another one'),
  MP_BILLING_MAX_TOKENS_PER_EVENT: z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .default(10_000_000_000)
    .describe('largest token count of one class in one AgentEvent; larger events are dead-lettered'),
  MP_BILLING_MAX_GPU_SECONDS: z.coerce
    .number()
    .positive()
    .max(1e15)
    .default(10_000_000_000)
    .describe(
      'largest gpu_seconds of one ExecutionEvent (1e10 is about 317 GPU-years); larger are dead-lettered',
    ),
  MP_BILLING_PRICING_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(30)
    .describe('how often each replica looks for price-book changes that can price unpriced usage'),
});

export type BillingConfig = z.infer<typeof billingEnv>;

export function loadBillingConfig(env: Env): BillingConfig {
  return loadConfig(SERVICE_NAME, billingEnv, env);
}

/** Events may be stamped at most this far in the future (producer clock skew). */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;
