// The one permission table of the plane (DESIGN §6). Every HTTP endpoint and gRPC method declares the
// permission it needs; a role grants a fixed set of permissions; nothing else decides access.

export const ROLES = ['platform_admin', 'tenant_admin', 'operator', 'member', 'viewer', 'service'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Every permission, `<resource>:<action>`. */
export const PERMISSIONS = [
  // tenant-registry
  'tenants:create',
  'tenants:list-all',
  'tenants:read',
  'tenants:update',
  'tenants:suspend',
  'quotas:read',
  'quotas:update',
  'users:read',
  'users:write',
  'service-accounts:read',
  'service-accounts:write',
  'api-keys:read',
  'api-keys:write',
  'api-keys:write-own',
  'k8s:read',
  'auth:rotate-keys',
  'self:read',
  // policy-engine
  'policy:read',
  'policy:write',
  'policy:lockdown',
  'policy:lockdown-global',
  'policy:gates',
  'quota:admit',
  'models:write',
  // observability-store
  'events:read',
  'safety:read',
  'audit:verify',
  // billing
  'billing:read',
  'prices:write',
  'billing:reprice',
  'budgets:write',
  // eval-loop
  'eval:read',
  'eval:write',
  'alerts:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = [
  'tenants:read',
  'quotas:read',
  'users:read',
  'service-accounts:read',
  'api-keys:read',
  'k8s:read',
  'self:read',
  'policy:read',
  'events:read',
  'safety:read',
  'billing:read',
  'eval:read',
];

/** Role → permissions. platform_admin holds every permission, in every tenant. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  platform_admin: PERMISSIONS,
  tenant_admin: [
    ...READ,
    'tenants:update',
    'users:write',
    'service-accounts:write',
    'api-keys:write',
    'api-keys:write-own',
    'policy:write',
    'policy:lockdown',
    'policy:gates',
    'models:write',
    'audit:verify',
    'eval:write',
    'alerts:write',
  ],
  operator: [
    ...READ,
    'api-keys:write-own',
    'policy:lockdown',
    'policy:gates',
    'audit:verify',
    'alerts:write',
  ],
  member: [...READ, 'api-keys:write-own'],
  viewer: [
    'tenants:read',
    'quotas:read',
    'self:read',
    'policy:read',
    'events:read',
    'billing:read',
    'eval:read',
  ],
  // Control-plane and user-plane service accounts: ask the policy engine, read what they need.
  service: [
    'tenants:read',
    'quotas:read',
    'self:read',
    'policy:read',
    'quota:admit',
    'events:read',
    'billing:read',
    'eval:read',
  ],
};

const GRANTS = new Map<Role, ReadonlySet<Permission>>(
  ROLES.map((role) => [role, new Set(ROLE_PERMISSIONS[role])]),
);

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => GRANTS.get(role)?.has(permission) ?? false);
}

/** Roles a caller may hand out: never more than it holds (no escalation), platform_admin only by one. */
export function canGrantRole(grantorRoles: readonly Role[], role: Role): boolean {
  if (grantorRoles.includes('platform_admin')) return true;
  if (role === 'platform_admin') return false;
  return grantorRoles.includes('tenant_admin');
}
