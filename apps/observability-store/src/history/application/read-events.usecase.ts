// Events by time range, kind, agent role, job, session, trace, tool, status and exit code.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import { toPage, type Page, type PageRequest } from '../../common/domain/page.js';
import {
  eventKey,
  HistoryRepository,
  type EventFilter,
  type StoredEvent,
} from '../persistence/history.repository.js';

@Injectable()
export class ReadEvents {
  constructor(private readonly history: HistoryRepository) {}

  async list(scope: TenantScope, filter: EventFilter, page: PageRequest): Promise<Page<StoredEvent>> {
    const after = page.after ? { at: page.after[0] as string, seq: page.after[1] as number } : undefined;
    const rows = await this.history.events(scope, filter, page.limit + 1, after);
    return toPage(rows, page, eventKey, (e) => e);
  }
}
