// Keyset pagination: a list is ordered by (created_at, id) and a page ends with an opaque cursor, the
// base64url of that pair for the last item. created_at keeps PostgreSQL's microseconds (a JS Date has
// only milliseconds, which would skip or repeat rows created within the same millisecond).

export interface CursorPosition {
  /** created_at as PostgreSQL prints it in UTC with microseconds: 2026-01-02T03:04:05.123456Z */
  createdAt: string;
  id: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id]), 'utf8').toString('base64url');
}

/** The position of a cursor, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): CursorPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [createdAt, id] = value as unknown[];
  if (typeof createdAt !== 'string' || !TIMESTAMP.test(createdAt)) return undefined;
  if (typeof id !== 'string' || !UUID.test(id)) return undefined;
  return { createdAt, id };
}

/** What a repository needs to read one page. */
export interface PageRequest {
  limit: number;
  after?: CursorPosition;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Builds a page from rows fetched with LIMIT `limit + 1` (the extra row only says that there is more).
 * `position` gives each row's key.
 */
export function toPage<R, T>(
  rows: R[],
  request: PageRequest,
  position: (row: R) => CursorPosition,
  map: (row: R) => T,
): Page<T> {
  const more = rows.length > request.limit;
  const kept = more ? rows.slice(0, request.limit) : rows;
  const last = kept[kept.length - 1];
  return {
    items: kept.map(map),
    nextCursor: more && last ? encodeCursor(position(last)) : null,
  };
}
