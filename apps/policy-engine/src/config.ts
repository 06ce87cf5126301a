import { baseServiceEnv, loadConfig, type Env, type z } from '@auraison/config';

export const SERVICE_NAME = 'policy-engine';

/** Environment variables of policy-engine (README "Configuration"). */
export const policyEngineEnv = baseServiceEnv({ httpPort: 3002 });

export type PolicyEngineConfig = z.infer<typeof policyEngineEnv>;

export function loadPolicyEngineConfig(env: Env): PolicyEngineConfig {
  return loadConfig(SERVICE_NAME, policyEngineEnv, env);
}
