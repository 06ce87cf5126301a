// The tool calls of a stored AgentEvent, flattened with their place in the history, and the cursor key
// of one call: (event occurred_at, event seq, index of the call in the event).
import type { CursorKey } from '../../common/domain/page.js';

/** What queries need of a stored event to flatten its calls. */
export interface EventOfCalls {
  seq: number;
  eventId: string;
  tenantId: string;
  occurredAt: string;
  event: Record<string, unknown>;
}

export interface ToolCallView {
  seq: number;
  /** Position of the call in its event (0-based). */
  index: number;
  eventId: string;
  tenantId: string;
  /** When the invocation that made the call ended. */
  eventTimestamp: string;
  sessionId: string | null;
  jobId: string | null;
  agentRole: string | null;
  tool: string;
  input: Record<string, unknown>;
  output: string;
  durationMs: number;
  toolUseId: string | null;
  isError: boolean;
  permissionDenied: boolean;
  /** When the agent issued the call, when the control plane reported it. */
  startedAt: string | null;
}

interface StoredCall {
  tool?: string;
  input?: Record<string, unknown>;
  output?: string;
  duration_ms?: number;
  tool_use_id?: string;
  is_error?: boolean;
  permission_denied?: boolean;
  started_at?: string;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function callsOf(e: EventOfCalls): ToolCallView[] {
  const calls = Array.isArray(e.event.tool_calls) ? (e.event.tool_calls as StoredCall[]) : [];
  return calls.map((c, index) => ({
    seq: e.seq,
    index,
    eventId: e.eventId,
    tenantId: e.tenantId,
    eventTimestamp: e.occurredAt,
    sessionId: text(e.event.session_id),
    jobId: text(e.event.job_id),
    agentRole: text(e.event.agent_role),
    tool: c.tool ?? '',
    input: c.input ?? {},
    output: c.output ?? '',
    durationMs: c.duration_ms ?? 0,
    toolUseId: text(c.tool_use_id),
    isError: c.is_error === true,
    permissionDenied: c.permission_denied === true,
    startedAt: text(c.started_at),
  }));
}

export const callKey = (c: ToolCallView): CursorKey => [c.eventTimestamp, c.seq, c.index];
