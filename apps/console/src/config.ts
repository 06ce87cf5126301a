import { baseServiceEnv, loadConfig, z, type Env } from '@auraison/config';

export const SERVICE_NAME = 'console';

const serviceUrl = (name: string, port: number) =>
  z
    .url({ protocol: /^https?$/ })
    .default(`http://127.0.0.1:${port}`)
    .describe(`base URL of ${name}, e.g. http://${name}:${port}`);

/** Environment variables of the console (README "Configuration"). It owns no database. */
export const consoleEnv = baseServiceEnv({ httpPort: 3000 })
  .omit({ DATABASE_URL: true })
  .extend({
    MP_TENANT_REGISTRY_URL: serviceUrl('tenant-registry', 3001),
    MP_POLICY_ENGINE_URL: serviceUrl('policy-engine', 3002),
    MP_OBSERVABILITY_URL: serviceUrl('observability-store', 3003),
    MP_BILLING_URL: serviceUrl('billing', 3004),
    MP_EVAL_LOOP_URL: serviceUrl('eval-loop', 3005),
    MP_CONSOLE_WEB_DIR: z
      .string()
      .min(1)
      .optional()
      .describe('directory of the built single-page app (default: dist/web next to the server bundle)'),
    MP_GATEWAY_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(300_000)
      .default(30_000)
      .describe('how long the gateway waits for a service to answer (milliseconds)'),
  });

export type ConsoleConfig = z.infer<typeof consoleEnv>;

export function loadConsoleConfig(env: Env): ConsoleConfig {
  return loadConfig(SERVICE_NAME, consoleEnv, env);
}
