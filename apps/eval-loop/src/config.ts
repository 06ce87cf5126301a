import { baseServiceEnv, loadConfig, type Env, type z } from '@auraison/config';

export const SERVICE_NAME = 'eval-loop';

/** Environment variables of eval-loop (README "Configuration"). */
export const evalLoopEnv = baseServiceEnv({ httpPort: 3005 });

export type EvalLoopConfig = z.infer<typeof evalLoopEnv>;

export function loadEvalLoopConfig(env: Env): EvalLoopConfig {
  return loadConfig(SERVICE_NAME, evalLoopEnv, env);
}
