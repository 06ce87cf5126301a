// Who may change what on a tenant.
import type { Tenant } from './tenant.js';

export interface TenantPatch {
  name?: string;
  k8sNamespace?: string;
  allowedEnvironments?: string[];
}

/** Fields of a patch that only a platform admin may change (a tenant admin may rename its tenant). */
const PLATFORM_ONLY: ReadonlyArray<[keyof TenantPatch, string]> = [
  ['k8sNamespace', 'k8s_namespace'],
  ['allowedEnvironments', 'allowed_environments'],
];

/** The API name of the first field the caller may not change, or undefined when it may apply the patch. */
export function forbiddenPatchField(patch: TenantPatch, platformAdmin: boolean): string | undefined {
  if (platformAdmin) return undefined;
  return PLATFORM_ONLY.find(([key]) => patch[key] !== undefined)?.[1];
}

/** True when applying the patch changes nothing. */
export function patchIsNoop(tenant: Tenant, patch: TenantPatch): boolean {
  const sameEnvs =
    patch.allowedEnvironments === undefined ||
    [...patch.allowedEnvironments].sort().join(',') === [...tenant.allowedEnvironments].sort().join(',');
  return (
    (patch.name === undefined || patch.name === tenant.name) &&
    (patch.k8sNamespace === undefined || patch.k8sNamespace === tenant.k8sNamespace) &&
    sameEnvs
  );
}

/** The platform tenant holds the platform admins: suspending it would lock everyone out. */
export function suspensionProblem(tenant: Tenant): string | undefined {
  return tenant.isPlatform ? 'the platform tenant cannot be suspended' : undefined;
}
