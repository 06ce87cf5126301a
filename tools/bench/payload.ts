// The ~400-byte payload every benchmark moves: a realistic AgentEvent, protobuf-encoded with
// @auraison/contracts when that library loads, so the raw baselines carry the same bytes as the plane.
import type { AgentEvent, ToolCall } from '@auraison/contracts';

export const TARGET_PAYLOAD_BYTES = 400;

export interface BenchPayloads {
  /** Message body for NATS and gRPC, about TARGET_PAYLOAD_BYTES long. */
  message: Uint8Array;
  /** What `message` is, for the report's conditions. */
  description: string;
  /** Set when the protobuf encoding could not be used (the report says so). */
  fallbackReason?: string;
  /** A full AgentEvent; PostgreSQL rows are built from it. */
  event: AgentEvent;
}

const TENANT = '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab';
/** Plane.PLANE_CONTROL, for the paths that cannot load the contracts library. */
const PLANE_CONTROL = 1;

function sampleEvent(plane: number, output: string): AgentEvent {
  const toolCalls: ToolCall[] = [
    {
      tool: 'Bash',
      input: { command: 'kubectl get rayjobs -n mp-acme' },
      output,
      durationMs: 812,
      toolUseId: 'toolu_01ABCDEF',
      isError: false,
      startedAt: new Date('2026-12-04T10:11:00.000Z'),
    },
    { tool: 'Read', input: { file_path: '/work/notebooks/lakehouse.ipynb' }, output: '{}', durationMs: 3 },
  ];
  return {
    eventId: 'sess-7f3a9c:msg_000001',
    timestamp: new Date('2026-12-04T10:11:12.345Z'),
    plane,
    agentRole: 'notebook',
    jobId: 'job-42',
    sessionId: 'sess-7f3a9c',
    toolCalls,
    tokensIn: 1200,
    tokensOut: 340,
    exitCode: 0,
    tenantId: TENANT,
    model: 'claude-sonnet-4-5',
    cacheReadTokens: 5000,
    cacheWriteTokens: 700,
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    labels: { job_kind: 'lakehouse' },
  };
}

// Grows the first tool call's output until the encoding reaches the target size (a few iterations).
function fitToSize(encode: (e: AgentEvent) => Uint8Array, build: (output: string) => AgentEvent): Uint8Array {
  let output = '';
  for (;;) {
    const bytes = encode(build(output));
    if (bytes.length >= TARGET_PAYLOAD_BYTES) return bytes;
    output += '.'.repeat(TARGET_PAYLOAD_BYTES - bytes.length);
  }
}

// PostgreSQL rows come from this event whatever the message encoding, so row size stays comparable.
const ROW_EVENT = sampleEvent(PLANE_CONTROL, 'job-42 RUNNING');

export async function loadPayloads(): Promise<BenchPayloads> {
  try {
    // Imported lazily so a broken contracts build degrades the payload instead of the whole bench.
    const { AgentEventMessage, Plane } = await import('@auraison/contracts');
    const bytes = fitToSize(
      (e) => AgentEventMessage.encode(e),
      (output) => sampleEvent(Plane.PLANE_CONTROL, output),
    );
    return { message: bytes, description: `protobuf AgentEvent, ${bytes.length} B`, event: ROW_EVENT };
  } catch (e) {
    // JSON is about twice as long as protobuf: carry the event's core fields and one tool call, so
    // the transports still move ~400 B (they never look inside the bytes).
    const reason = (e as Error).message.split('\n')[0] ?? String(e);
    const compact = (output: string): AgentEvent => {
      const {
        model: _m,
        cacheReadTokens: _r,
        cacheWriteTokens: _w,
        traceId: _t,
        spanId: _s,
        ...core
      } = sampleEvent(PLANE_CONTROL, output);
      const { tool, input, durationMs } = core.toolCalls[0]!;
      return { ...core, toolCalls: [{ tool, input, output, durationMs }], labels: {} };
    };
    const bytes = fitToSize((ev) => Buffer.from(JSON.stringify(ev)), compact);
    return {
      message: bytes,
      description: `JSON AgentEvent, ${bytes.length} B (protobuf unavailable)`,
      fallbackReason: reason,
      event: ROW_EVENT,
    };
  }
}
