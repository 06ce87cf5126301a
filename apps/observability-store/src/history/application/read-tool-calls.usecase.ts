// Tool calls, one per item, for session replay, the policy engine's scope dry run and the safety
// review. Events are read in time order and flattened; a page ends inside an event when the limit
// falls there, and its cursor (event time, seq, call index) resumes exactly after the last call.
import { Inject, Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import type { CursorKey, Page, PageRequest } from '../../common/domain/page.js';
import { encodeCursor } from '../../common/domain/page.js';
import { toolMatches } from '../../common/domain/tool-keys.js';
import { callKey, callsOf, type ToolCallView } from '../domain/tool-call.js';
import {
  HistoryRepository,
  type EventFilter,
  type EventPosition,
} from '../persistence/history.repository.js';

/** The tools the safety review lists (tool names or `mcp__<server>__*`), from MP_ACTUATION_TOOLS. */
export const ACTUATION_TOOLS = Symbol('ACTUATION_TOOLS');

const MAX_ROUNDS = 10;

export interface ToolCallFilter {
  from?: Date;
  to?: Date;
  agentRole?: string;
  sessionId?: string;
  jobId?: string;
  /** Only calls of these tools (names or `mcp__<server>__*` patterns). */
  tools?: readonly string[];
}

@Injectable()
export class ReadToolCalls {
  constructor(
    private readonly history: HistoryRepository,
    @Inject(ACTUATION_TOOLS) readonly actuationTools: readonly string[],
  ) {}

  /** Calls matching `filter`, in time order. */
  async list(scope: TenantScope, filter: ToolCallFilter, page: PageRequest): Promise<Page<ToolCallView>> {
    return this.read(scope, filter, page);
  }

  /** Every call of a session in order; undefined when the session has no stored invocation. */
  async replay(
    scope: TenantScope,
    sessionId: string,
    page: PageRequest,
  ): Promise<Page<ToolCallView> | undefined> {
    const result = await this.read(scope, { sessionId }, page);
    if (result.items.length === 0 && !page.after) {
      const any = await this.history.events(scope, { sessionId, kind: 'agent' }, 1);
      if (any.length === 0) return undefined;
    }
    return result;
  }

  /** Every actuation call (robot motion, navigation goals...), in time order. */
  async actuations(
    scope: TenantScope,
    filter: Omit<ToolCallFilter, 'tools'> & { tool?: string },
    page: PageRequest,
  ): Promise<Page<ToolCallView>> {
    const tools = filter.tool
      ? this.actuationTools.some((p) => toolMatches(p, filter.tool!))
        ? [filter.tool]
        : []
      : this.actuationTools;
    if (tools.length === 0) return { items: [], nextCursor: null };
    return this.read(scope, { ...filter, tools }, page);
  }

  private async read(
    scope: TenantScope,
    filter: ToolCallFilter,
    page: PageRequest,
  ): Promise<Page<ToolCallView>> {
    const eventFilter: EventFilter = {
      kind: 'agent',
      from: filter.from,
      to: filter.to,
      agentRole: filter.agentRole,
      sessionId: filter.sessionId,
      jobId: filter.jobId,
      toolKeys: filter.tools,
    };
    const wanted = (c: ToolCallView): boolean =>
      !filter.tools || filter.tools.some((p) => toolMatches(p, c.tool));
    const start = page.after;
    let position: EventPosition | undefined = start
      ? { at: start[0] as string, seq: start[1] as number, inclusive: true }
      : undefined;
    const collected: ToolCallView[] = [];
    // Fetch events until one call more than the page holds is found, or the events run out. Events
    // without a wanted call cost a round each: after MAX_ROUNDS the page ends early, its cursor after
    // the last event read.
    for (let round = 1; ; round++) {
      const fetch = page.limit + 1 - collected.length;
      const events = await this.history.events(scope, eventFilter, fetch, position);
      for (const e of events)
        for (const c of callsOf(e)) {
          if (start && isAtOrBefore(c, start)) continue;
          if (wanted(c)) collected.push(c);
        }
      if (collected.length > page.limit || events.length < fetch) break;
      const last = events[events.length - 1]!;
      position = { at: last.occurredAt, seq: last.seq };
      if (round === MAX_ROUNDS)
        return {
          items: collected,
          nextCursor: encodeCursor([last.occurredAt, last.seq, Number.MAX_SAFE_INTEGER]),
        };
    }
    const items = collected.slice(0, page.limit);
    const more = collected.length > page.limit;
    return { items, nextCursor: more ? encodeCursor(callKey(items[items.length - 1]!)) : null };
  }
}

/** True for a call at or before the cursor's call (same event, index not after it). */
function isAtOrBefore(c: ToolCallView, cursor: CursorKey): boolean {
  return c.eventTimestamp === cursor[0] && c.seq === cursor[1] && c.index <= (cursor[2] as number);
}
