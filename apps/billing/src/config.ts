import { baseServiceEnv, loadConfig, type Env, type z } from '@auraison/config';

export const SERVICE_NAME = 'billing';

/** Environment variables of billing (README "Configuration"). */
export const billingEnv = baseServiceEnv({ httpPort: 3004 });

export type BillingConfig = z.infer<typeof billingEnv>;

export function loadBillingConfig(env: Env): BillingConfig {
  return loadConfig(SERVICE_NAME, billingEnv, env);
}
