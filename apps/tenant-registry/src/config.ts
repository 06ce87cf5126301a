import { baseServiceEnv, loadConfig, type Env, type z } from '@auraison/config';

export const SERVICE_NAME = 'tenant-registry';

/** Environment variables of tenant-registry (README "Configuration"). */
export const tenantRegistryEnv = baseServiceEnv({ httpPort: 3001 });

export type TenantRegistryConfig = z.infer<typeof tenantRegistryEnv>;

export function loadTenantRegistryConfig(env: Env): TenantRegistryConfig {
  return loadConfig(SERVICE_NAME, tenantRegistryEnv, env);
}
