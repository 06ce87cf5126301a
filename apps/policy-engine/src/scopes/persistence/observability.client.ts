// The observability store's recorded tool calls, over its HTTP API (the boundary to another
// service): GET {MP_OBSERVABILITY_URL}/api/v1/tool-calls, with the caller's own bearer token, so the
// store applies its own tenant isolation and permissions too.
import { Inject, Injectable } from '@nestjs/common';
import { POLICY_ENGINE_OPTIONS, type PolicyEngineOptions } from '../../common/application/options.js';
import { PolicyError } from '../../common/domain/policy-error.js';

export interface RecordedToolCall {
  eventId: string;
  sessionId: string;
  jobId: string;
  agentRole: string;
  tool: string;
  input: Record<string, unknown>;
  isError: boolean;
  permissionDenied: boolean;
  timestamp: string;
}

export interface ToolCallQuery {
  tenantId: string;
  agentRole: string;
  from: Date;
  to: Date;
  limit: number;
  cursor?: string;
}

const TIMEOUT_MS = 10_000;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

@Injectable()
export class ObservabilityClient {
  constructor(@Inject(POLICY_ENGINE_OPTIONS) private readonly options: PolicyEngineOptions) {}

  async toolCalls(
    query: ToolCallQuery,
    authorization: string,
  ): Promise<{ items: RecordedToolCall[]; nextCursor: string | null }> {
    const url = new URL(`${this.options.observabilityUrl}/api/v1/tool-calls`);
    url.searchParams.set('tenant_id', query.tenantId);
    url.searchParams.set('agent_role', query.agentRole);
    url.searchParams.set('from', query.from.toISOString());
    url.searchParams.set('to', query.to.toISOString());
    url.searchParams.set('limit', String(query.limit));
    if (query.cursor) url.searchParams.set('cursor', query.cursor);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new PolicyError(
        'unavailable',
        `the observability store at ${this.options.observabilityUrl} is unreachable: ${(e as Error).message}`,
      );
    }
    if (res.status === 401 || res.status === 403)
      throw new PolicyError(
        'permission-denied',
        `the observability store refused to list tool calls (${res.status}): the token needs events:read`,
      );
    if (res.status === 404)
      throw new PolicyError('not-found', 'the observability store does not know this tenant', 'tenant_id');
    if (!res.ok) throw new PolicyError('unavailable', `the observability store answered ${res.status}`);
    const body = await res.json().catch((): unknown => undefined);
    if (!isObject(body) || !Array.isArray(body.items))
      throw new PolicyError(
        'unavailable',
        'the observability store answered something else than { items, next_cursor }',
      );
    const items: RecordedToolCall[] = [];
    for (const raw of body.items as unknown[]) {
      if (!isObject(raw) || typeof raw.tool !== 'string') continue;
      items.push({
        eventId: text(raw.event_id),
        sessionId: text(raw.session_id),
        jobId: text(raw.job_id),
        agentRole: text(raw.agent_role) || query.agentRole,
        tool: raw.tool,
        input: isObject(raw.input) ? raw.input : {},
        isError: raw.is_error === true,
        permissionDenied: raw.permission_denied === true,
        timestamp: text(raw.timestamp),
      });
    }
    const next = typeof body.next_cursor === 'string' && body.next_cursor !== '' ? body.next_cursor : null;
    return { items, nextCursor: next };
  }
}
