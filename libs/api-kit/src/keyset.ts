// SQL fragments for keyset pagination on (created_at, id); see cursor.ts.
import type { PageRequest } from './cursor.js';

/** created_at in UTC with microseconds, as cursors carry it. */
export function createdAtText(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * `AND (created_at, id) > (...)` plus ORDER BY and LIMIT, with parameters numbered from `nextParam`.
 * Returns the SQL tail and the parameters to append.
 */
export function keysetTail(
  page: PageRequest,
  createdAtColumn: string,
  idColumn: string,
  nextParam: number,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  let where = '';
  if (page.after) {
    where = `AND (${createdAtColumn}, ${idColumn}) > ($${nextParam}::timestamptz, $${nextParam + 1}::uuid)`;
    params.push(page.after.createdAt, page.after.id);
  }
  params.push(page.limit + 1);
  return {
    sql: `${where} ORDER BY ${createdAtColumn}, ${idColumn} LIMIT $${nextParam + params.length - 1}`,
    params,
  };
}
