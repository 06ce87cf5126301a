import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Permission } from './permissions.js';
import type { Principal } from './principal.js';

export const PERMISSION_METADATA = 'auraison:permission';
export const PUBLIC_METADATA = 'auraison:public';

/** The permission a handler needs. Every handler declares one, or is @Public(). */
export const RequirePermission = (permission: Permission): MethodDecorator & ClassDecorator =>
  SetMetadata(PERMISSION_METADATA, permission);

/** No authentication (health, metrics, JWKS, token exchange). `reason` documents why. */
export const Public = (reason: string): MethodDecorator & ClassDecorator =>
  SetMetadata(PUBLIC_METADATA, reason);

/** Where the guard leaves the verified principal on the request (HTTP) or call context (gRPC). */
export const PRINCIPAL_KEY = 'auraisonPrincipal';

export function principalOf(context: ExecutionContext): Principal | undefined {
  if (context.getType() === 'http') {
    return (
      (context.switchToHttp().getRequest<Record<string, unknown>>()[PRINCIPAL_KEY] as
        Principal | undefined) ?? undefined
    );
  }
  const call = context.switchToRpc().getContext<Record<string, unknown>>();
  return call?.[PRINCIPAL_KEY] as Principal | undefined;
}

/** The verified caller of a handler that declares a permission. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOf(context);
    if (!principal) throw new Error('CurrentPrincipal used on a handler without authentication');
    return principal;
  },
);
