import { baseServiceEnv, loadConfig, type Env, type z } from '@auraison/config';

export const SERVICE_NAME = 'observability-store';

/** Environment variables of observability-store (README "Configuration"). */
export const observabilityStoreEnv = baseServiceEnv({ httpPort: 3003 });

export type ObservabilityStoreConfig = z.infer<typeof observabilityStoreEnv>;

export function loadObservabilityStoreConfig(env: Env): ObservabilityStoreConfig {
  return loadConfig(SERVICE_NAME, observabilityStoreEnv, env);
}
