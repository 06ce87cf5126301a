// An API key as the tenant sees it: never the secret (only its hash is stored), identified by prefix.
import { canGrantRole, hasPermission, type Principal, type Role } from '@auraison/auth';

export type ApiKeyOwner =
  { kind: 'user'; userId: string } | { kind: 'service_account'; serviceAccountId: string };

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  /** The public part of the key (`mpk_<prefix>_…`). */
  prefix: string;
  name: string;
  owner: ApiKeyOwner;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export function isCaller(owner: ApiKeyOwner, principal: Principal): boolean {
  return owner.kind === 'user'
    ? principal.subjectType === 'user' && owner.userId === principal.subject
    : principal.subjectType === 'service_account' && owner.serviceAccountId === principal.subject;
}

/** The API field that names an owner. */
export function ownerField(owner: ApiKeyOwner): 'user_id' | 'service_account_id' {
  return owner.kind === 'user' ? 'user_id' : 'service_account_id';
}

/**
 * Why the caller may not create or revoke a key of `owner` (whose role is `ownerRole`), or undefined.
 * Anyone with api-keys:write-own manages their own keys; other people's keys need api-keys:write and a
 * role the caller could grant (a key is as strong as its owner, so this is the no-escalation rule).
 */
export function keyManagementProblem(
  principal: Principal,
  owner: ApiKeyOwner,
  ownerRole: Role,
): string | undefined {
  if (isCaller(owner, principal)) return undefined;
  if (!hasPermission(principal.roles, 'api-keys:write')) return 'you may only manage your own API keys';
  if (!canGrantRole(principal.roles, ownerRole)) return `you may not manage API keys of a ${ownerRole}`;
  return undefined;
}

/** Why `expiresAt` is not acceptable, or undefined. */
export function expiryProblem(expiresAt: Date | undefined, now: Date): string | undefined {
  if (expiresAt === undefined) return undefined;
  if (expiresAt.getTime() <= now.getTime()) return 'expires_at must be in the future';
  return undefined;
}
