import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { invalidField } from './errors.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest } from './cursor.js';

/** `?limit=&cursor=` of every list. */
export class ListQueryDto {
  @ApiPropertyOptional({
    description: `Items per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE})`,
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The next_cursor of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** The page a list query asks for; 400 naming `cursor` when the cursor is not one of ours. */
export function pageRequest(query: ListQueryDto): PageRequest {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (query.cursor === undefined) return { limit };
  const after = decodeCursor(query.cursor);
  if (!after) throw invalidField('cursor', 'cursor is not a valid page cursor');
  return { limit, after };
}
