// The query API over a small causal world: event filters and pagination, the job trace, session
// replay, decision search, the tool-call feed of the policy engine's dry run, the safety review and
// bad parameters.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHarness, type Harness } from './support/harness.js';
import { buildWorld, type World } from './support/world.js';

type Auth = { Authorization: string };

/** The fields of list items these tests look at (events, trace entries, tool calls, decisions). */
interface Item {
  event_id: string;
  seq: number;
  index: number;
  link: string;
  tool: string;
  input: unknown;
  output: string;
  duration_ms: number;
  is_error: boolean;
  session_id: string;
  tenant_id: string;
  timestamp: string;
  event: Record<string, unknown> & { tool_calls: Array<{ tool: string }> };
  matched_calls: Item[];
}

interface Body {
  items: Item[];
  entries: Item[];
  next_cursor: string | null;
  [field: string]: unknown;
}

describe('query API (real PostgreSQL and NATS)', () => {
  let h: Harness;
  let w: World;
  let viewer: Auth;
  let operator: Auth;

  beforeAll(async () => {
    h = await startHarness();
    w = await buildWorld(h);
    viewer = await h.auth(w.tenant, 'viewer');
    operator = await h.auth(w.tenant, 'operator');
  });

  afterAll(async () => {
    await h?.close();
  });

  const get = async (
    path: string,
    auth: Auth = viewer,
  ): Promise<{ status: number; body: Body; text: string }> => {
    const res = await h.service.http.get(path).set(auth);
    return { status: res.status, body: res.body as Body, text: res.text };
  };
  const ids = (items: Array<{ event_id: string }>): string[] => items.map((i) => i.event_id);

  /** Every page of a list, following next_cursor. */
  async function allPages<T>(path: string, auth: Auth = viewer): Promise<{ items: T[]; pages: number }> {
    const items: T[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await get(`${path}${cursor ? `${sep}cursor=${cursor}` : ''}`, auth);
      expect(res.status).toBe(200);
      items.push(...(res.body.items as unknown as T[]));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor && pages < 50);
    return { items, pages };
  }

  describe('GET /api/v1/events', () => {
    it('should list every event of the tenant in time order when no filter is given', async () => {
      const res = await get('/api/v1/events?limit=200');
      expect(ids(res.body.items)).toEqual([
        w.agents.e1.eventId,
        w.executions.x1.eventId,
        w.executions.x2.eventId,
        w.executions.x3.eventId,
        w.agents.e2.eventId,
        w.agents.e3.eventId,
        w.agents.e4.eventId,
        w.agents.e5.eventId,
      ]);
      expect(res.body.next_cursor).toBeNull();
    });

    it('should walk every page once when limit is smaller than the list', async () => {
      const { items, pages } = await allPages<{ event_id: string }>('/api/v1/events?limit=3');
      expect(pages).toBe(3);
      expect(ids(items)).toHaveLength(8);
      expect(new Set(ids(items)).size).toBe(8);
    });

    it.each([
      ['agent_role=cluster', ['e2']],
      ['job_id=JOB_K', ['e5']],
      ['session_id=S1', ['e1', 'x1', 'e4']],
      ['tool=mcp__ros__publish_cmd_vel', ['e2']],
      ['tool=mcp__nav2__*', ['e2']],
      ['tool=Read', ['e4']],
      ['status=succeeded', ['x3']],
      ['exit_code=1', ['e5']],
      ['kind=execution', ['x1', 'x2', 'x3']],
      ['trace_id=TRACE', ['e1', 'x1', 'x2', 'x3', 'e2', 'e3']],
      ['from=T+4&to=T+7', ['x3', 'e2', 'e3']],
    ])('should filter by %s', async (filter, expected) => {
      const query = filter
        .replace('JOB_K', w.jobK)
        .replace('S1', w.s1)
        .replace('TRACE', w.traceT)
        .replace(/T\+(\d+)/g, (_m, s: string) =>
          new Date(w.start.getTime() + Number(s) * 1000).toISOString(),
        );
      const res = await get(`/api/v1/events?${query}`);
      expect(res.status).toBe(200);
      const named = { ...w.agents, ...w.executions } as Record<string, { eventId: string }>;
      expect(ids(res.body.items)).toEqual(expected.map((n) => named[n]!.eventId));
    });
  });

  describe('GET /api/v1/jobs/:job_id/trace', () => {
    it('should give the causal chain of a job in time order with status, GPU seconds and trace ids', async () => {
      const res = await get(`/api/v1/jobs/${w.jobJ}/trace`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        job_id: w.jobJ,
        status: 'succeeded',
        gpu_seconds: 3600,
        trace_ids: [w.traceT],
      });
      expect(res.body.entries.map((e) => [e.event_id, e.link])).toEqual([
        [w.agents.e1.eventId, 'job'],
        [w.executions.x1.eventId, 'job'],
        [w.executions.x2.eventId, 'job'],
        [w.executions.x3.eventId, 'job'],
        [w.agents.e2.eventId, 'job'],
        [w.agents.e3.eventId, 'trace'],
        [w.agents.e4.eventId, 'session'],
      ]);
      const e1 = res.body.entries[0];
      expect(e1!.event.tool_calls.map((c) => c.tool)).toEqual(['Bash', 'Bash']);
      expect(res.body.entries[3]!.event).toMatchObject({ status: 'succeeded', gpu_seconds: 3600 });
    });

    it('should page the trace entries when limit is small', async () => {
      const first = await get(`/api/v1/jobs/${w.jobJ}/trace?limit=4`);
      const second = await get(`/api/v1/jobs/${w.jobJ}/trace?limit=4&cursor=${first.body.next_cursor}`);
      expect(first.body.entries).toHaveLength(4);
      expect(second.body.entries).toHaveLength(3);
      expect(second.body.next_cursor).toBeNull();
    });

    it('should answer 404 when the tenant has no event of the job', async () => {
      const res = await get('/api/v1/jobs/job-nobody-ran/trace');
      expect(res.status).toBe(404);
    });
  });

  describe('GET /api/v1/sessions/:session_id/replay', () => {
    it('should replay every tool call of the session in order with input, output and duration', async () => {
      const res = await get(`/api/v1/sessions/${w.s1}/replay`);
      expect(res.status).toBe(200);
      expect(res.body.session_id).toBe(w.s1);
      expect(
        res.body.items.map(
          (c: { tool: string; input: unknown; output: string; duration_ms: number; is_error: boolean }) => [
            c.tool,
            c.input,
            c.output,
            c.duration_ms,
            c.is_error,
          ],
        ),
      ).toEqual([
        [
          'Bash',
          { command: 'pip install torch==9.9' },
          'ERROR: No matching distribution found for torch==9.9',
          4100,
          true,
        ],
        [
          'Bash',
          { command: 'ray job submit --working-dir . -- python train.py' },
          `Job submitted: ${w.jobJ}`,
          900,
          false,
        ],
        ['Read', { file_path: '/work/results.json' }, '{"loss": 0.12}', 5, false],
      ]);
    });

    it('should page inside an invocation when limit cuts through its calls', async () => {
      const { items, pages } = await allPages<{ event_id: string; index: number }>(
        `/api/v1/sessions/${w.s1}/replay?limit=1`,
      );
      expect(pages).toBe(3);
      expect(items.map((c) => [c.event_id, c.index])).toEqual([
        [w.agents.e1.eventId, 0],
        [w.agents.e1.eventId, 1],
        [w.agents.e4.eventId, 0],
      ]);
    });

    it('should answer 404 when the session is unknown', async () => {
      expect((await get('/api/v1/sessions/sess-never/replay')).status).toBe(404);
    });
  });

  describe('GET /api/v1/decisions/search', () => {
    it('should find the invocations whose tool calls mention every word, newest first', async () => {
      const res = await get('/api/v1/decisions/search?q=pip%20install');
      expect(res.status).toBe(200);
      expect(ids(res.body.items)).toEqual([w.agents.e5.eventId, w.agents.e1.eventId]);
      expect(res.body.items[1]!.matched_calls.map((c) => c.index)).toEqual([0]);
      expect(res.body.items[1]!.matched_calls[0]!.output).toMatch(/No matching distribution/);
    });

    it.each([
      ['outcome=failure', ['e5']],
      ['outcome=success', ['e1']],
      ['job_id=JOB_J', ['e1']],
      ['agent_role=cluster', []],
    ])('should filter the search by %s', async (filter, expected) => {
      const res = await get(`/api/v1/decisions/search?q=install&${filter.replace('JOB_J', w.jobJ)}`);
      expect(ids(res.body.items)).toEqual(expected.map((n) => w.agents[n as keyof World['agents']].eventId));
    });

    it('should match words of outputs and tool names case-insensitively', async () => {
      const res = await get('/api/v1/decisions/search?q=WHEEL%20flash_attn%20Bash');
      // flash-attn splits into two words; flash_attn is one: only "wheel" and "bash" can match.
      expect(res.body.items).toEqual([]);
      const res2 = await get('/api/v1/decisions/search?q=WHEEL%20flash%20Bash');
      expect(ids(res2.body.items)).toEqual([w.agents.e5.eventId]);
    });

    it('should answer 400 naming q when it has no word', async () => {
      const res = await get('/api/v1/decisions/search?q=%20--%20');
      expect(res.status).toBe(400);
      expect(res.body.field).toBe('q');
    });
  });

  describe('GET /api/v1/tool-calls', () => {
    it('should list calls in the exact shape the policy engine reads', async () => {
      const res = await get(`/api/v1/tool-calls?tenant_id=${w.tenant}&agent_role=cluster`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['items', 'next_cursor']);
      expect(res.body.items).toHaveLength(3);
      expect(res.body.items[0]).toEqual({
        event_id: w.agents.e2.eventId,
        session_id: w.s2,
        job_id: w.jobJ,
        agent_role: 'cluster',
        tool: 'mcp__ros__publish_cmd_vel',
        input: { linear: { x: 0.4 }, angular: { z: 0 } },
        is_error: false,
        permission_denied: false,
        timestamp: w.agents.e2.timestamp!.toISOString().replace('Z', '000Z'),
      });
    });

    it('should filter by tool and page in time order', async () => {
      const { items } = await allPages<{ tool: string; event_id: string; timestamp: string }>(
        '/api/v1/tool-calls?tool=Bash&limit=2',
      );
      expect(items.map((c) => c.tool)).toEqual(['Bash', 'Bash', 'Bash', 'Bash']);
      expect(items.map((c) => c.event_id)).toEqual([
        w.agents.e1.eventId,
        w.agents.e1.eventId,
        w.agents.e2.eventId,
        w.agents.e5.eventId,
      ]);
      // started_at when the control plane reported it, else the end of the invocation.
      expect(items[1]!.timestamp).toBe(new Date(w.start.getTime() + 500).toISOString());
    });
  });

  describe('GET /api/v1/safety/actuations', () => {
    it('should list every actuation call with timestamp, session and tenant', async () => {
      const res = await get('/api/v1/safety/actuations', operator);
      expect(res.status).toBe(200);
      expect(res.body.items.map((c) => [c.tool, c.session_id, c.tenant_id])).toEqual([
        ['mcp__ros__publish_cmd_vel', w.s2, w.tenant],
        ['mcp__nav2__navigate_to_pose', w.s2, w.tenant],
      ]);
      expect(res.body.items[0]).toMatchObject({
        event_timestamp: expect.any(String),
        input: { linear: { x: 0.4 } },
      });
    });

    it('should narrow to one actuation tool and list nothing for a tool that is not actuation', async () => {
      const nav = await get('/api/v1/safety/actuations?tool=mcp__nav2__navigate_to_pose', operator);
      expect(nav.body.items.map((c) => c.tool)).toEqual(['mcp__nav2__navigate_to_pose']);
      const bash = await get('/api/v1/safety/actuations?tool=Bash', operator);
      expect(bash.body.items).toEqual([]);
    });

    it('should answer 403 when the caller lacks safety:read', async () => {
      expect((await get('/api/v1/safety/actuations', viewer)).status).toBe(403);
    });
  });

  describe('bad parameters', () => {
    it.each([
      ['/api/v1/events?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['/api/v1/events?from=2026-12-04T10:00:00Z&to=2026-12-04T09:00:00Z', 'from'],
      ['/api/v1/events?from=yesterday', 'from'],
      ['/api/v1/events?limit=0', 'limit'],
      ['/api/v1/events?limit=201', 'limit'],
      ['/api/v1/events?tenant_id=not-a-uuid', 'tenant_id'],
      ['/api/v1/events?status=exploded', 'status'],
      ['/api/v1/events?colour=blue', 'colour'],
      ['/api/v1/tool-calls?limit=1001', 'limit'],
      ['/api/v1/decisions/search', 'q'],
    ])('should answer 400 naming the parameter for %s', async (path, field) => {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    });

    it('should answer 401 without a token', async () => {
      expect((await h.service.http.get('/api/v1/events')).status).toBe(401);
    });
  });
});
