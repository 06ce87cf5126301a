// The one error type of the policy core. Each door maps it: gRPC status, HTTP status, NATS reply
// (a PolicyError message plus Mp-Status headers). Messages name the field or rule at fault.
import { status as GrpcStatus } from '@grpc/grpc-js';

export type PolicyErrorCode =
  | 'invalid-argument'
  | 'not-found'
  | 'failed-precondition'
  | 'already-exists'
  | 'resource-exhausted'
  | 'permission-denied'
  | 'unauthenticated'
  | 'unavailable'
  | 'unimplemented'
  | 'internal';

export class PolicyError extends Error {
  constructor(
    readonly code: PolicyErrorCode,
    message: string,
    /** Request field at fault (proto / JSON name), when one is. */
    readonly field?: string,
    /** RESOURCE_EXHAUSTED: when to try again. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'PolicyError';
  }

  static invalid(field: string, message: string): PolicyError {
    return new PolicyError('invalid-argument', message, field);
  }

  static notFound(what: string, field?: string): PolicyError {
    return new PolicyError('not-found', `${what} not found`, field);
  }
}

/** gRPC status code of each error code (also the code in NATS replies). */
export const GRPC_CODES: Readonly<Record<PolicyErrorCode, GrpcStatus>> = {
  'invalid-argument': GrpcStatus.INVALID_ARGUMENT,
  'not-found': GrpcStatus.NOT_FOUND,
  'failed-precondition': GrpcStatus.FAILED_PRECONDITION,
  'already-exists': GrpcStatus.ALREADY_EXISTS,
  'resource-exhausted': GrpcStatus.RESOURCE_EXHAUSTED,
  'permission-denied': GrpcStatus.PERMISSION_DENIED,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  unavailable: GrpcStatus.UNAVAILABLE,
  unimplemented: GrpcStatus.UNIMPLEMENTED,
  internal: GrpcStatus.INTERNAL,
};

/** HTTP status of each error code. */
export const HTTP_STATUS: Readonly<Record<PolicyErrorCode, number>> = {
  'invalid-argument': 400,
  'not-found': 404,
  'failed-precondition': 400,
  'already-exists': 409,
  'resource-exhausted': 429,
  'permission-denied': 403,
  unauthenticated: 401,
  unavailable: 503,
  unimplemented: 501,
  internal: 500,
};

/** `INVALID_ARGUMENT` for 3, etc. */
export function grpcStatusName(code: number): string {
  return (GrpcStatus as unknown as Record<number, string>)[code] ?? 'UNKNOWN';
}
