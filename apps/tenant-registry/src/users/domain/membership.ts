// Memberships: a user's role in a tenant. Rules: nobody hands out a role it could not grant itself
// (`canGrantRole`), nor changes a member whose role it could not grant; platform_admin exists only in
// the platform tenant; a tenant that has an admin keeps at least one.
import { canGrantRole, type Role } from '@auraison/auth';

export const MEMBER_ROLES = ['platform_admin', 'tenant_admin', 'operator', 'member', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Roles that administer a tenant (the platform tenant's admins are platform admins). */
export const ADMIN_ROLES: readonly MemberRole[] = ['tenant_admin', 'platform_admin'];

export interface Member {
  userId: string;
  tenantId: string;
  email: string;
  displayName: string;
  role: MemberRole;
  createdAt: Date;
  updatedAt: Date;
}

export interface RoleProblem {
  kind: 'invalid' | 'forbidden' | 'conflict';
  field: string;
  message: string;
}

export interface RoleChange {
  grantorRoles: readonly Role[];
  /** The member's role now; undefined when the user is being added. */
  currentRole?: MemberRole;
  /** The role after the change; undefined when the member is being removed. */
  newRole?: MemberRole;
  tenantIsPlatform: boolean;
  /** Admins of the tenant other than this member. */
  otherAdmins: number;
}

export function roleChangeProblem(change: RoleChange): RoleProblem | undefined {
  const { grantorRoles, currentRole, newRole } = change;
  if (newRole !== undefined && !canGrantRole(grantorRoles, newRole))
    return { kind: 'forbidden', field: 'role', message: `you may not grant the role ${newRole}` };
  if (newRole === 'platform_admin' && !change.tenantIsPlatform)
    return {
      kind: 'invalid',
      field: 'role',
      message: 'role platform_admin exists only in the platform tenant',
    };
  if (currentRole !== undefined && !canGrantRole(grantorRoles, currentRole))
    return {
      kind: 'forbidden',
      field: 'role',
      message: `you may not change a member whose role is ${currentRole}`,
    };
  const losesAdmin =
    currentRole !== undefined &&
    ADMIN_ROLES.includes(currentRole) &&
    (newRole === undefined || !ADMIN_ROLES.includes(newRole));
  if (losesAdmin && change.otherAdmins === 0)
    return {
      kind: 'conflict',
      field: 'role',
      message: 'a tenant must keep at least one tenant_admin: make someone else admin first',
    };
  return undefined;
}
