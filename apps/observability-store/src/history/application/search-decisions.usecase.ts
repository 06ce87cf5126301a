// Decision search, the agents' memory ("last time this notebook failed, what did the agent run to
// recover?"): full-text over tool inputs and outputs, newest first, with the calls that match.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import { toPage, type Page, type PageRequest } from '../../common/domain/page.js';
import { callTokens, tsqueryOf } from '../../common/domain/search-text.js';
import { callsOf, type ToolCallView } from '../domain/tool-call.js';
import {
  eventKey,
  HistoryRepository,
  type EventFilter,
  type StoredEvent,
} from '../persistence/history.repository.js';

export interface DecisionFilter {
  agentRole?: string;
  jobId?: string;
  outcome?: 'success' | 'failure';
  from?: Date;
  to?: Date;
}

export interface Decision {
  event: StoredEvent;
  /** The calls whose tool, input or output contain at least one of the query's words. */
  matchedCalls: ToolCallView[];
}

@Injectable()
export class SearchDecisions {
  constructor(private readonly history: HistoryRepository) {}

  /** `tokens`: the query's words (search-text.ts tokensOf). */
  async execute(
    scope: TenantScope,
    tokens: readonly string[],
    filter: DecisionFilter,
    page: PageRequest,
  ): Promise<Page<Decision>> {
    const eventFilter: EventFilter = { ...filter, kind: 'agent', tsquery: tsqueryOf(tokens) };
    const after = page.after ? { at: page.after[0] as string, seq: page.after[1] as number } : undefined;
    const rows = await this.history.events(scope, eventFilter, page.limit + 1, after, true);
    return toPage(rows, page, eventKey, (event): Decision => ({
      event,
      matchedCalls: callsOf(event).filter((c) => {
        const words = callTokens(c);
        return tokens.some((t) => words.has(t));
      }),
    }));
  }
}
