// The guard every service installs globally: each handler is either @Public(reason) or declares a
// permission; the bearer token (HTTP `Authorization` header or gRPC `authorization` metadata) is
// verified locally and the caller's roles must grant the permission. Fails closed.
import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
import {
  ForbiddenException,
  Inject,
  Injectable,
  InternalServerErrorException,
  NotFoundException,
  Optional,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { PERMISSION_METADATA, PRINCIPAL_KEY, PUBLIC_METADATA } from './decorators.js';
import { AuthError, type AuthFailure } from './errors.js';
import { hasPermission, type Permission } from './permissions.js';
import type { Principal } from './principal.js';
import { TokenVerifier } from './token-verifier.js';

/** Optional extra check after the signature (e.g. the tenant registry refuses suspended tenants). */
export interface PrincipalCheck {
  /** Throws AuthError when the principal may not act even though its token is valid. */
  assertActive(principal: Principal): Promise<void>;
}
export const PRINCIPAL_CHECK = Symbol('PRINCIPAL_CHECK');

const BEARER = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)\s*$/i;

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    @Optional() @Inject(PRINCIPAL_CHECK) private readonly principalCheck?: PrincipalCheck,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<string>(PUBLIC_METADATA, targets)) return true;
    const permission = this.reflector.getAllAndOverride<Permission>(PERMISSION_METADATA, targets);
    if (!permission) {
      // A programming error, caught by each app's route inventory test; never an open door.
      const where = `${context.getClass().name}.${context.getHandler().name}`;
      if (context.getType() === 'http')
        throw new InternalServerErrorException(`${where} declares no permission`);
      throw new RpcException({ code: GrpcStatus.INTERNAL, message: `${where} declares no permission` });
    }
    try {
      const principal = await this.authenticate(context);
      if (!hasPermission(principal.roles, permission))
        throw new AuthError('forbidden', `this operation needs the permission ${permission}`);
      attach(context, principal);
      return true;
    } catch (e) {
      if (e instanceof AuthError) throw toTransportError(context, e.failure, e.message);
      throw e;
    }
  }

  private async authenticate(context: ExecutionContext): Promise<Principal> {
    const header = authorizationOf(context);
    if (!header)
      throw new AuthError('unauthenticated', 'missing bearer token: send Authorization: Bearer <token>');
    const match = BEARER.exec(header);
    if (!match?.[1])
      throw new AuthError('unauthenticated', 'malformed Authorization header: expected Bearer <token>');
    const principal = await this.verifier.verify(match[1]);
    await this.principalCheck?.assertActive(principal);
    return principal;
  }
}

function authorizationOf(context: ExecutionContext): string | undefined {
  if (context.getType() === 'http') {
    const value = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>()
      .headers.authorization;
    return typeof value === 'string' ? value : undefined;
  }
  const metadata = context.switchToRpc().getContext<Metadata | undefined>();
  const value = metadata?.get?.('authorization')[0];
  return typeof value === 'string' ? value : undefined;
}

function attach(context: ExecutionContext, principal: Principal): void {
  if (context.getType() === 'http') {
    context.switchToHttp().getRequest<Record<string, unknown>>()[PRINCIPAL_KEY] = principal;
  } else {
    const call = context.switchToRpc().getContext<Record<string, unknown> | undefined>();
    if (call) call[PRINCIPAL_KEY] = principal;
  }
}

function toTransportError(context: ExecutionContext, failure: AuthFailure, message: string): Error {
  if (context.getType() !== 'http') {
    const code = {
      unauthenticated: GrpcStatus.UNAUTHENTICATED,
      forbidden: GrpcStatus.PERMISSION_DENIED,
      'not-found': GrpcStatus.NOT_FOUND,
    }[failure];
    return new RpcException({ code, message });
  }
  switch (failure) {
    case 'unauthenticated':
      return new UnauthorizedException(message);
    case 'forbidden':
      return new ForbiddenException(message);
    case 'not-found':
      return new NotFoundException(message);
  }
}
