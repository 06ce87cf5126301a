// Claude Code headless output (`claude -p --output-format json` or `stream-json`) → AgentEvent.
// Tool calls are paired from assistant tool_use blocks and user tool_result blocks by tool_use_id;
// token usage is counted once per assistant message.id (several stream lines share one message and
// its usage) unless the final result carries totals; permission denials mark their calls. Unknown
// message types are ignored, so newer Claude Code versions do not break ingestion.
import { randomUUID } from 'node:crypto';
import { Plane, type AgentEvent, type ToolCall } from '@auraison/contracts';

/** Who ran the agent and for what; the output itself does not say. */
export interface ClaudeRunContext {
  tenantId: string;
  agentRole: string;
  jobId?: string;
  userId?: string;
  exitCode: number;
  /** When the process ended (default: now). */
  endedAt?: Date;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  variant?: string;
  experimentId?: string;
  agentConfigVersion?: number;
  labels?: Record<string, string>;
}

/** A stream-json line with the time it was read (for tool call durations). */
export interface TimedLine {
  line: string;
  at: Date;
}

interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

interface ContentBlock {
  type?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
  text?: string;
}

interface StreamMessage {
  type?: string;
  subtype?: string;
  session_id?: string;
  model?: string;
  uuid?: string;
  message?: { id?: string; model?: string; content?: unknown; usage?: Usage };
  usage?: Usage;
  duration_ms?: number;
  is_error?: boolean;
  permission_denials?: Array<{ tool_name?: string; tool_use_id?: string; tool_input?: unknown }>;
  modelUsage?: Record<string, unknown>;
}

const MAX_OUTPUT_CHARS = 64 * 1024;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((b: ContentBlock) => (typeof b?.text === 'string' ? b.text : b?.type ? `[${b.type}]` : ''))
      .filter(Boolean)
      .join('\n');
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

function clip(text: string): string {
  return text.length > MAX_OUTPUT_CHARS
    ? `${text.slice(0, MAX_OUTPUT_CHARS)}\n[... ${text.length - MAX_OUTPUT_CHARS} more characters]`
    : text;
}

function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { value };
}

/** Splits either format into parsed messages; lines that are not JSON objects are skipped. */
function parse(output: string | readonly TimedLine[]): Array<{ msg: StreamMessage; at?: Date }> {
  const lines: TimedLine[] | Array<{ line: string; at?: Date }> =
    typeof output === 'string' ? output.split('\n').map((line) => ({ line })) : [...output];
  const out: Array<{ msg: StreamMessage; at?: Date }> = [];
  const whole = typeof output === 'string' ? output.trim() : '';
  // --output-format json is one (possibly pretty-printed) object.
  if (whole.startsWith('{') && !whole.includes('\n{')) {
    try {
      return [{ msg: JSON.parse(whole) as StreamMessage }];
    } catch {
      // fall through to line-by-line
    }
  }
  for (const { line, at } of lines) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      out.push({ msg: JSON.parse(t) as StreamMessage, ...(at ? { at } : {}) });
    } catch {
      // a truncated last line of a killed process: ignore
    }
  }
  return out;
}

export class ClaudeOutputError extends Error {}

/** Converts one `claude -p` run's output into an AgentEvent. */
export function agentEventFromClaudeOutput(
  output: string | readonly TimedLine[],
  ctx: ClaudeRunContext,
): AgentEvent {
  const messages = parse(output);
  let sessionId = '';
  let model: string | undefined;
  let result: StreamMessage | undefined;
  let lastMessageId: string | undefined;
  const calls = new Map<string, ToolCall & { startedAtMs?: number }>();
  const order: string[] = [];
  const usageByMessage = new Map<string, Usage>();

  for (const { msg, at } of messages) {
    if (msg.session_id) sessionId = msg.session_id;
    switch (msg.type) {
      case 'system':
        if (msg.subtype === 'init' && msg.model) model = msg.model;
        break;
      case 'assistant': {
        const m = msg.message;
        if (!m) break;
        if (m.model) model = m.model;
        if (m.id) {
          lastMessageId = m.id;
          if (m.usage) usageByMessage.set(m.id, m.usage);
        }
        for (const block of Array.isArray(m.content) ? (m.content as ContentBlock[]) : []) {
          if (block?.type !== 'tool_use' || !block.id) continue;
          if (!calls.has(block.id)) order.push(block.id);
          calls.set(block.id, {
            tool: block.name ?? 'unknown',
            input: asObject(block.input),
            output: '',
            durationMs: 0,
            toolUseId: block.id,
            ...(at ? { startedAt: at, startedAtMs: at.getTime() } : {}),
          });
        }
        break;
      }
      case 'user': {
        const content = msg.message?.content;
        for (const block of Array.isArray(content) ? (content as ContentBlock[]) : []) {
          if (block?.type !== 'tool_result' || !block.tool_use_id) continue;
          const call = calls.get(block.tool_use_id);
          if (!call) continue;
          call.output = clip(textOf(block.content));
          if (block.is_error) call.isError = true;
          if (at && call.startedAtMs !== undefined)
            call.durationMs = Math.max(0, at.getTime() - call.startedAtMs);
        }
        break;
      }
      case 'result':
        result = msg;
        break;
      default:
        // system task_*/hook_*, rate_limit_event, stream_event, tool_progress, and whatever comes next.
        break;
    }
  }

  for (const denial of result?.permission_denials ?? []) {
    const id = denial.tool_use_id;
    const known = id ? calls.get(id) : undefined;
    if (known) {
      known.permissionDenied = true;
      known.isError = true;
    } else {
      const key = id ?? `denied-${order.length}`;
      order.push(key);
      calls.set(key, {
        tool: denial.tool_name ?? 'unknown',
        input: asObject(denial.tool_input),
        output: '',
        durationMs: 0,
        ...(id ? { toolUseId: id } : {}),
        isError: true,
        permissionDenied: true,
      });
    }
  }

  if (!sessionId)
    throw new ClaudeOutputError(
      'no session_id in the Claude Code output: is it --output-format json or stream-json?',
    );

  const totals: Required<Usage> = {
    input_tokens: 0,
    output_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  const source = result?.usage ? [result.usage] : [...usageByMessage.values()];
  for (const u of source) {
    totals.input_tokens += u.input_tokens ?? 0;
    totals.output_tokens += u.output_tokens ?? 0;
    totals.cache_creation_input_tokens += u.cache_creation_input_tokens ?? 0;
    totals.cache_read_input_tokens += u.cache_read_input_tokens ?? 0;
  }
  // The result's modelUsage names the model when the stream did not.
  model ??= result?.modelUsage ? Object.keys(result.modelUsage)[0] : undefined;

  const toolCalls: ToolCall[] = order.map((id) => {
    const { startedAtMs: _ignored, ...call } = calls.get(id)!;
    return call;
  });
  return {
    // One invocation per result: resumed sessions keep their session id, so the result's uuid (or the
    // last assistant message) makes the id unique and stable across retries of the publish.
    eventId: `claude:${sessionId}:${result?.uuid ?? lastMessageId ?? randomUUID()}`,
    timestamp: ctx.endedAt ?? new Date(),
    plane: Plane.PLANE_CONTROL,
    agentRole: ctx.agentRole,
    jobId: ctx.jobId ?? '',
    sessionId,
    toolCalls,
    tokensIn: totals.input_tokens,
    tokensOut: totals.output_tokens,
    exitCode: ctx.exitCode,
    tenantId: ctx.tenantId,
    ...(model ? { model } : {}),
    ...(ctx.userId ? { userId: ctx.userId } : {}),
    cacheReadTokens: totals.cache_read_input_tokens,
    cacheWriteTokens: totals.cache_creation_input_tokens,
    ...(ctx.traceId ? { traceId: ctx.traceId } : {}),
    ...(ctx.spanId ? { spanId: ctx.spanId } : {}),
    ...(ctx.parentSpanId ? { parentSpanId: ctx.parentSpanId } : {}),
    ...(ctx.variant ? { variant: ctx.variant } : {}),
    ...(ctx.experimentId ? { experimentId: ctx.experimentId } : {}),
    ...(ctx.agentConfigVersion !== undefined ? { agentConfigVersion: ctx.agentConfigVersion } : {}),
    ...(result?.duration_ms !== undefined ? { durationMs: result.duration_ms } : {}),
    ...(result?.subtype ? { resultSubtype: result.subtype } : {}),
    labels: { ...(ctx.labels ?? {}) },
  };
}
