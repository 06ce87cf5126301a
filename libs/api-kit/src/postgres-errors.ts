// PostgreSQL error codes the repositories translate into domain outcomes.

interface PgError {
  code?: string;
  constraint?: string;
}

function pgError(err: unknown): PgError | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as PgError & { driverError?: unknown };
  if (typeof e.code === 'string') return e;
  return e.driverError ? pgError(e.driverError) : undefined;
}

/** The violated unique constraint's name, when `err` is a unique violation (23505). */
export function uniqueViolation(err: unknown): string | undefined {
  const e = pgError(err);
  return e?.code === '23505' ? (e.constraint ?? '') : undefined;
}

/** True when `err` is a foreign-key violation (23503). */
export function foreignKeyViolation(err: unknown): boolean {
  return pgError(err)?.code === '23503';
}
