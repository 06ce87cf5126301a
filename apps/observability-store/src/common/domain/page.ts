// Keyset pagination: every list is ordered by a unique key (e.g. occurred_at, seq) and a page ends with
// an opaque cursor, the base64url JSON of the last item's key. Timestamps keep PostgreSQL's
// microseconds, so rows within one millisecond are neither skipped nor repeated.

export type CursorValue = string | number;
export type CursorKey = readonly CursorValue[];

/** What each position of a cursor key must be. */
export type CursorPart = 'timestamp' | 'int' | 'text';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export interface PageRequest {
  limit: number;
  after?: CursorKey;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key of a cursor of the given shape, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string, shape: readonly CursorPart[]): CursorKey | undefined {
  if (!/^[A-Za-z0-9_-]{1,600}$/.test(cursor)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== shape.length) return undefined;
  const ok = shape.every((part, i) => {
    const v: unknown = value[i];
    if (part === 'timestamp') return typeof v === 'string' && TIMESTAMP.test(v);
    if (part === 'int') return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    return typeof v === 'string' && v.length > 0 && v.length <= 200;
  });
  return ok ? (value as CursorValue[]) : undefined;
}

/**
 * A page from rows fetched with LIMIT `limit + 1` (the extra row only says that there is more);
 * `key` gives a row's cursor key.
 */
export function toPage<R, T>(
  rows: readonly R[],
  request: PageRequest,
  key: (row: R) => CursorKey,
  map: (row: R) => T,
): Page<T> {
  const more = rows.length > request.limit;
  const kept = more ? rows.slice(0, request.limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(map), nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null };
}
