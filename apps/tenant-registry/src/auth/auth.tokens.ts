/** Injection token of the access-token issuer string (MP_AUTH_ISSUER). */
export const TOKEN_ISSUER = Symbol('TOKEN_ISSUER');
