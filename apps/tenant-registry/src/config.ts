import { baseServiceEnv, loadConfig, z, type Env } from '@auraison/config';

export const SERVICE_NAME = 'tenant-registry';

/** Environment variables of tenant-registry (README "Configuration"). */
export const tenantRegistryEnv = baseServiceEnv({ httpPort: 3001 }).extend({
  MP_BOOTSTRAP_ADMIN_KEY: z
    .string()
    .regex(
      /^mpk_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/,
      'must look like mpk_<12 chars a-z2-7>_<43 chars base64url>',
    )
    .optional()
    .describe('platform-admin API key installed on first start instead of a generated one'),
  MP_BOOTSTRAP_ADMIN_EMAIL: z
    .email()
    .default('admin@auraison.local')
    .describe('email of the platform admin created on first start'),
  MP_KUBECONFIG: z
    .string()
    .optional()
    .describe(
      'path of a kubeconfig: tenant namespaces, quotas and role bindings are applied there (off when unset)',
    ),
  MP_K8S_RESYNC_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .default(300)
    .describe('how often every tenant is re-applied to Kubernetes (seconds)'),
});

export type TenantRegistryConfig = z.infer<typeof tenantRegistryEnv>;

export function loadTenantRegistryConfig(env: Env): TenantRegistryConfig {
  return loadConfig(SERVICE_NAME, tenantRegistryEnv, env);
}
