/** Why a request is refused; the guard maps it to HTTP 401/403/404 or gRPC UNAUTHENTICATED/PERMISSION_DENIED/NOT_FOUND. */
export type AuthFailure = 'unauthenticated' | 'forbidden' | 'not-found';

export class AuthError extends Error {
  constructor(
    readonly failure: AuthFailure,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
