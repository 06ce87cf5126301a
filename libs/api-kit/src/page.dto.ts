import { ApiProperty } from '@nestjs/swagger';
import type { Page } from './cursor.js';

/** `{ items, next_cursor }` of every list. */
export interface PageResponse<T> {
  items: T[];
  next_cursor: string | null;
}

export function toPageResponse<T, R>(page: Page<T>, present: (item: T) => R): PageResponse<R> {
  return { items: page.items.map(present), next_cursor: page.nextCursor };
}

/** Swagger: the pagination part of list responses (subclasses add `items`). */
export class PageMetaDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as ?cursor= to get the next page; null on the last page',
  })
  next_cursor!: string | null;
}
