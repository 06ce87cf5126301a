// The events of a window from the observability store's query API: GET /api/v1/events with tenant_id,
// from (inclusive), to (exclusive) and kind, following next_cursor to the last page. Each item carries
// the whole event as stored: proto field names, enums by name (status `succeeded`, environment
// `torch.dev.gpu`), timestamps as ISO 8601.
import type { AgentRecord, ExecutionRecord, ExecutionStatusName } from '../../evaluation/domain/outcomes.js';
import { EventSource, type EventWindow } from '../application/ports.js';
import type { ServiceHttpClient } from './service-http.client.js';

/** The largest page the store serves. */
export const EVENTS_PAGE_SIZE = 200;
/** Ranges of a window read at once (per event kind). */
const PARALLEL_RANGES = 4;
/** Windows shorter than this are read as one range. */
const PARALLEL_MIN_SPAN_MS = 3_600_000;

interface EventsPage {
  items: Array<{ kind: 'agent' | 'execution'; event_id: string; event: Record<string, unknown> }>;
  next_cursor: string | null;
}

const STATUSES = new Set<ExecutionStatusName>(['pending', 'running', 'succeeded', 'failed', 'stopped']);

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
const date = (v: unknown): Date | undefined => {
  if (typeof v !== 'string') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
};
const labels = (v: unknown): Record<string, string> => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};

/** An ExecutionEvent as the store serves it; undefined when it lacks what evaluation needs. */
export function executionFromStore(eventId: string, e: Record<string, unknown>): ExecutionRecord | undefined {
  const timestamp = date(e.timestamp);
  const jobId = text(e.job_id);
  const status = text(e.status) as ExecutionStatusName | undefined;
  const environment = text(e.environment);
  if (!timestamp || !jobId || !status || !STATUSES.has(status) || !environment) return undefined;
  const attempt = typeof e.attempt === 'number' ? e.attempt : undefined;
  return {
    eventId,
    jobId,
    rayJobId: text(e.ray_job_id) ?? '',
    ...(attempt !== undefined ? { attempt } : {}),
    timestamp,
    environment,
    status,
    startedAt: date(e.started_at),
    endedAt: date(e.ended_at),
    agentRole: text(e.agent_role),
    variant: text(e.variant),
    labels: labels(e.labels),
  };
}

/** An AgentEvent as the store serves it; undefined when it names no job. */
export function agentFromStore(eventId: string, e: Record<string, unknown>): AgentRecord | undefined {
  const timestamp = date(e.timestamp);
  const jobId = text(e.job_id);
  const agentRole = text(e.agent_role);
  if (!timestamp || !jobId || !agentRole) return undefined;
  return {
    eventId,
    jobId,
    timestamp,
    agentRole,
    model: text(e.model),
    variant: text(e.variant),
    experimentId: text(e.experiment_id),
    tokensIn: count(e.tokens_in),
    tokensOut: count(e.tokens_out),
    labels: labels(e.labels),
  };
}

export class ObservabilityEventSource extends EventSource {
  constructor(private readonly http: ServiceHttpClient) {
    super();
  }

  async executions(window: EventWindow): Promise<ExecutionRecord[]> {
    return this.read(window, 'execution', executionFromStore);
  }

  async agentEvents(window: EventWindow): Promise<AgentRecord[]> {
    return this.read(window, 'agent', agentFromStore);
  }

  /**
   * Cursor pages are sequential, so the window is cut into PARALLEL_RANGES consecutive ranges read at
   * the same time ([from, to) each, so no event is read twice), then joined in order.
   */
  private async read<T>(
    window: EventWindow,
    kind: 'agent' | 'execution',
    convert: (eventId: string, e: Record<string, unknown>) => T | undefined,
  ): Promise<T[]> {
    const from = window.start.getTime();
    const span = window.end.getTime() - from;
    const parts = span >= PARALLEL_MIN_SPAN_MS ? PARALLEL_RANGES : 1;
    const bounds = Array.from({ length: parts + 1 }, (_, i) =>
      i === parts ? window.end : new Date(from + Math.floor((span * i) / parts)),
    );
    const ranges = await Promise.all(
      bounds
        .slice(0, -1)
        .map(async (start, i) => this.readRange(window.tenantId, start, bounds[i + 1]!, kind, convert)),
    );
    return ranges.flat();
  }

  private async readRange<T>(
    tenantId: string,
    start: Date,
    end: Date,
    kind: 'agent' | 'execution',
    convert: (eventId: string, e: Record<string, unknown>) => T | undefined,
  ): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.http.getJson<EventsPage>('api/v1/events', {
        tenant_id: tenantId,
        from: start.toISOString(),
        to: end.toISOString(),
        kind,
        limit: EVENTS_PAGE_SIZE,
        cursor,
      });
      for (const item of page.items) {
        if (item.kind !== kind) continue;
        const record = convert(item.event_id, item.event);
        if (record !== undefined) out.push(record);
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return out;
  }
}
