// Query-string parameters shared by the history endpoints, and their conversion to domain values with
// errors naming the parameter.
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { decodeCursor, DEFAULT_PAGE_SIZE, type CursorPart, type PageRequest } from '../domain/page.js';
import { invalidField } from './errors.js';

// Ids in paths and filters: what the contracts accept (1-200 characters), without control characters.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;

/** `?tenant_id=`: another tenant's id answers 404 unless the caller is a platform admin. */
export const TenantIdQuery = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      format: 'uuid',
      description: "Tenant to read (default: the caller's own; another tenant's id answers 404)",
    }),
    IsOptional(),
    IsUUID(),
  );

/** `?from=` / `?to=`: ISO 8601 timestamps (from inclusive, to exclusive). */
export const TimeQuery = (description: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ format: 'date-time', description, example: '2026-12-04T00:00:00Z' }),
    IsOptional(),
    IsISO8601({ strict: true, strictSeparator: true }),
  );

export const LimitQuery = (max: number): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      description: `Items per page (default ${DEFAULT_PAGE_SIZE}, at most ${max})`,
      minimum: 1,
      maximum: max,
      default: DEFAULT_PAGE_SIZE,
    }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );

export const CursorQuery = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description: 'The next_cursor of the previous page (opaque)' }),
    IsOptional(),
    IsString(),
    MaxLength(600),
  );

/** An optional id filter (job, session, tool...): 1-200 printable characters. */
export const IdQuery = (description: string, example?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description, ...(example ? { example } : {}) }),
    IsOptional(),
    IsString(),
    Length(1, 200),
    Matches(PRINTABLE, { message: '$property must not contain control characters' }),
  );

/** A required id in the path. */
export const IdParam = (description: string): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ description }),
    IsString(),
    Length(1, 200),
    Matches(PRINTABLE, { message: '$property must not contain control characters' }),
  );

/** The page a query asks for; 400 naming `cursor` when the cursor is not one of this list's. */
export function pageRequest(
  query: { limit?: number; cursor?: string },
  shape: readonly CursorPart[],
): PageRequest {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (query.cursor === undefined) return { limit };
  const after = decodeCursor(query.cursor, shape);
  if (!after) throw invalidField('cursor', 'cursor is not a valid page cursor of this list');
  return { limit, after };
}

/** `from` / `to` as dates; 400 when `from` is not before `to`. */
export function timeRange(query: { from?: string; to?: string }): { from?: Date; to?: Date } {
  const from = query.from === undefined ? undefined : new Date(query.from);
  const to = query.to === undefined ? undefined : new Date(query.to);
  if (from && to && from.getTime() >= to.getTime()) throw invalidField('from', 'from must be before to');
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}
