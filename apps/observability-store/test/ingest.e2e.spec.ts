// Ingestion through the real messaging library, JetStream and PostgreSQL: events stored whole and once,
// duplicates inside and beyond JetStream's dedup window, and every kind of bad input dead-lettered with
// a reason while the consumer keeps going.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AgentEventMessage,
  CONSUMERS,
  encodeMessage,
  EvaluationTrigger,
  ExecutionEventMessage,
  ExecutionStatus,
  STREAMS,
  SUBJECTS,
  toProtoJson,
} from '@auraison/contracts';
import { agentEvent, executionEvent } from '@auraison/testing';
import { eventually, startHarness, type Harness } from './support/harness.js';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

describe('ingestion (real PostgreSQL and NATS)', () => {
  let h: Harness;
  let tenant: string;

  beforeAll(async () => {
    h = await startHarness({ MP_INGEST_MAX_EVENT_BYTES: String(64 * 1024) });
    tenant = await h.addTenant();
  });

  afterAll(async () => {
    await h?.close();
  });

  const unsettled = async (stream: string, durable: string): Promise<number> => {
    const ci = await h.jsm.consumers.info(h.ns.stream(stream), durable);
    return ci.num_pending + ci.num_ack_pending;
  };

  it('should store an agent event whole, with every tool call, when it is published', async () => {
    const event = agentEvent({
      tenantId: tenant,
      toolCalls: [
        {
          tool: 'Bash',
          input: { command: 'pip install torch==2.5', env: { CUDA: '12.4' }, retries: [1, 2.5, null] },
          output: 'Successfully installed torch-2.5.0\n"quoted" \\ back\tslash ünïcödé 🚀',
          durationMs: 8120,
          toolUseId: 'toolu_01',
          isError: false,
          startedAt: new Date(Date.now() - 9000),
        },
        {
          tool: 'Read',
          input: { file_path: '/work/nb.ipynb' },
          output: '{}',
          durationMs: 3,
          permissionDenied: true,
        },
      ],
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      labels: { job_kind: 'lakehouse' },
    });
    await h.publishAgent(event);
    await h.waitStored([event.eventId]);
    const res = await h.service.http
      .get(`/api/v1/events?session_id=${event.sessionId}`)
      .set(await h.auth(tenant, 'viewer'));
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const [item] = res.body.items;
    expect(item).toMatchObject({
      kind: 'agent',
      event_id: event.eventId,
      tenant_id: tenant,
      seq: expect.any(Number),
    });
    expect(item.event).toMatchObject({
      agent_role: 'notebook',
      job_id: event.jobId,
      session_id: event.sessionId,
      plane: 'control',
      tokens_in: 1200,
      trace_id: event.traceId,
      labels: { job_kind: 'lakehouse' },
      tool_calls: [
        {
          tool: 'Bash',
          input: { command: 'pip install torch==2.5', env: { CUDA: '12.4' }, retries: [1, 2.5, null] },
          output: event.toolCalls[0]!.output,
          duration_ms: 8120,
          tool_use_id: 'toolu_01',
          is_error: false,
          started_at: event.toolCalls[0]!.startedAt!.toISOString(),
        },
        {
          tool: 'Read',
          input: { file_path: '/work/nb.ipynb' },
          output: '{}',
          duration_ms: 3,
          permission_denied: true,
        },
      ],
    });
  });

  it('should store an execution event with its status and GPU seconds when it is published as JSON', async () => {
    const event = executionEvent({
      tenantId: tenant,
      status: ExecutionStatus.EXECUTION_STATUS_FAILED,
      gpuSeconds: 1234.5,
      reason: 'DeadlineExceeded',
    });
    // The control plane is Python: proto3 JSON with snake_case names must work as well as protobuf.
    const json = encodeMessage(ExecutionEventMessage, event, 'json');
    await h.publisher.publishRaw(SUBJECTS.executionEvents, json.data, JSON_HEADERS, { msgId: event.eventId });
    await h.waitStored([event.eventId]);
    const res = await h.service.http
      .get(`/api/v1/events?job_id=${event.jobId}&kind=execution&status=failed`)
      .set(await h.auth(tenant, 'viewer'));
    expect(res.status).toBe(200);
    expect((res.body as { items: Array<{ event: unknown }> }).items.map((i) => i.event)).toEqual([
      expect.objectContaining({
        status: 'failed',
        gpu_seconds: 1234.5,
        environment: 'torch.dev.gpu',
        plane: 'user',
        reason: 'DeadlineExceeded',
      }),
    ]);
  });

  it('should store an event once when it is published twice inside the dedup window', async () => {
    const event = agentEvent({ tenantId: tenant });
    await h.publishAgent(event);
    await h.publishAgent(event);
    await h.waitStored([event.eventId]);
    await eventually(async () => (await unsettled(STREAMS.agentEvents.name, 'observability-store')) === 0);
    const { rows } = await h.admin.query(`SELECT seq FROM observability.events WHERE event_id = $1`, [
      event.eventId,
    ]);
    expect(rows).toHaveLength(1);
  });

  it('should store an event once when it is re-published after the dedup window (another Nats-Msg-Id)', async () => {
    const event = agentEvent({ tenantId: tenant });
    await h.publishAgent(event);
    await h.waitStored([event.eventId]);
    // What a publisher retrying after JetStream's 2-minute window looks like: a new stream message.
    const again = await h.publisher.publishRaw(
      SUBJECTS.agentEvents,
      AgentEventMessage.encode(event),
      { 'Content-Type': 'application/protobuf' },
      { msgId: `${event.eventId}#retry-after-window` },
    );
    expect(again.duplicate).toBe(false);
    const thirdAsJson = encodeMessage(AgentEventMessage, event, 'json');
    await h.publisher.publishRaw(SUBJECTS.agentEvents, thirdAsJson.data, JSON_HEADERS, {
      msgId: randomUUID(),
    });
    await eventually(async () => (await unsettled(STREAMS.agentEvents.name, 'observability-store')) === 0);
    const { rows } = await h.admin.query(
      `SELECT count(*)::int AS n FROM observability.events WHERE event_id = $1`,
      [event.eventId],
    );
    expect(rows[0].n).toBe(1);
    const metrics = (await h.service.http.get('/metrics')).text;
    expect(metrics).toMatch(
      /observability_events_ingested_total\{[^}]*type="agent",result="duplicate"[^}]*\} [1-9]/,
    );
  });

  it('should dead-letter every bad event with its reason and keep consuming when bad input arrives', async () => {
    const stranger = randomUUID();
    const future = new Date(Date.now() + 10 * 24 * 3600 * 1000);
    const unknownStatus = executionEvent({ tenantId: tenant, status: 99 as ExecutionStatus });
    const unknownEnumJson = toProtoJson(
      ExecutionEventMessage,
      executionEvent({ tenantId: tenant }),
    ) as Record<string, unknown>;
    unknownEnumJson.status = 'EXECUTION_STATUS_EXPLODED';
    const cases: Array<{ name: string; send: () => Promise<unknown>; reason: RegExp }> = [
      {
        name: 'bytes that are not protobuf',
        send: async () =>
          h.publisher.publishRaw(
            SUBJECTS.agentEvents,
            Buffer.from([0xff, 0xff, 0xff, 0x0f, 0x01]),
            {},
            { msgId: randomUUID() },
          ),
        reason: /invalid protobuf/,
      },
      {
        name: 'JSON that does not parse',
        send: async () =>
          h.publisher.publishRaw(SUBJECTS.agentEvents, Buffer.from('{"event_id": '), JSON_HEADERS, {
            msgId: randomUUID(),
          }),
        reason: /not JSON/,
      },
      {
        name: 'an unknown enum name in JSON',
        send: async () =>
          h.publisher.publishRaw(
            SUBJECTS.executionEvents,
            Buffer.from(JSON.stringify(unknownEnumJson)),
            JSON_HEADERS,
            {
              msgId: randomUUID(),
            },
          ),
        reason: /EXECUTION_STATUS_EXPLODED/,
      },
      {
        name: 'an unknown enum value in protobuf',
        send: async () => h.publishExecution(unknownStatus),
        reason: /status has an unknown value 99/,
      },
      {
        name: 'no tenant_id',
        send: async () => h.publishAgent(agentEvent({ tenantId: '' })),
        reason: /tenant_id is required/,
      },
      {
        name: 'no event_id',
        send: async () => h.publishAgent(agentEvent({ tenantId: tenant, eventId: '' })),
        reason: /event_id is required/,
      },
      {
        name: 'a 100 KiB event over the 64 KiB limit',
        send: async () =>
          h.publishAgent(
            agentEvent({
              tenantId: tenant,
              toolCalls: [{ tool: 'Read', input: {}, output: 'x'.repeat(100 * 1024), durationMs: 1 }],
            }),
          ),
        reason: /exceeds the 65536-byte limit/,
      },
      {
        name: 'token counts beyond 2^53',
        send: async () => h.publishAgent(agentEvent({ tenantId: tenant, tokensIn: 2 ** 60 })),
        // ts-proto refuses it while decoding (int64 as number); the history would refuse it too.
        reason: /MAX_SAFE_INTEGER|tokens_in .* beyond 2\^53/,
      },
      {
        name: 'an impossible GPU time',
        send: async () => h.publishExecution(executionEvent({ tenantId: tenant, gpuSeconds: 1e13 })),
        reason: /gpu_seconds .* 317 GPU-years/,
      },
      {
        name: 'a timestamp ten days ahead',
        send: async () => h.publishAgent(agentEvent({ tenantId: tenant, timestamp: future })),
        reason: /timestamp .* in the future/,
      },
      {
        name: 'a control character in job_id',
        send: async () => h.publishAgent(agentEvent({ tenantId: tenant, jobId: 'job\n1' })),
        reason: /job_id contains control characters/,
      },
      {
        name: 'a tenant nobody announced',
        send: async () => h.publishAgent(agentEvent({ tenantId: stranger })),
        reason: new RegExp(`tenant_id ${stranger} is not a known tenant`),
      },
    ];
    const before = (await h.deadLetters()).length;
    for (const c of cases) await c.send();
    const good = agentEvent({ tenantId: tenant });
    await h.publishAgent(good);
    await h.waitStored([good.eventId]);
    const letters = await eventually(async () => {
      const all = await h.deadLetters();
      return all.length >= before + cases.length ? all.slice(before) : undefined;
    });
    expect(letters).toHaveLength(cases.length);
    for (const c of cases)
      expect({ case: c.name, found: letters.some((l) => c.reason.test(l.reason)) }).toEqual({
        case: c.name,
        found: true,
      });
    expect(await h.count(stranger)).toBe(0);
    const metrics = (await h.service.http.get('/metrics')).text;
    expect(metrics).toMatch(/mp_messages_dlq_total\{[^}]*reason_kind="rejected"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/observability_events_rejected_total\{[^}]*reason="unknown_tenant"[^}]*\} 1/);
  });

  it('should store evaluation summaries once and list them when the eval loop publishes them', async () => {
    const now = new Date();
    const summary = {
      eventId: `eval-${randomUUID()}`,
      timestamp: now,
      runId: `run-${randomUUID()}`,
      windowStart: new Date(now.getTime() - 3600_000),
      windowEnd: now,
      trigger: EvaluationTrigger.EVALUATION_TRIGGER_SCHEDULE,
      signals: [],
      experiments: [],
      degraded: false,
      degradedReason: '',
      tenantId: tenant,
    };
    await h.publishEvaluation(summary);
    await h.publishEvaluation(summary);
    const auth = await h.auth(tenant, 'viewer');
    const res = await eventually(async () => {
      const r = await h.service.http.get(`/api/v1/evaluations?run_id=${summary.runId}`).set(auth);
      return r.body.items?.length > 0 ? r : undefined;
    });
    await eventually(
      async () =>
        (await unsettled(STREAMS.evalSummaries.name, CONSUMERS.observabilityEvalSummaries.durable)) === 0,
    );
    const again = await h.service.http.get(`/api/v1/evaluations?run_id=${summary.runId}`).set(auth);
    expect(again.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      event_id: summary.eventId,
      tenant_id: tenant,
      run_id: summary.runId,
      summary: { run_id: summary.runId, trigger: 'EVALUATION_TRIGGER_SCHEDULE' },
    });
  });

  it('should keep monthly partitions ahead and put an event of an old month in the default partition', async () => {
    const { rows: parts } = await h.admin.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'observability.events'::regclass`,
    );
    const month = (offset: number): string => {
      const d = new Date();
      const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
      return `events_${m.toISOString().slice(0, 7).replace('-', '_')}`;
    };
    expect(parts.map((p) => p.name)).toEqual(
      expect.arrayContaining(['events_default', month(-1), month(0), month(3)]),
    );
    const old = agentEvent({ tenantId: tenant, timestamp: new Date('2005-03-04T05:06:07Z') });
    await h.publishAgent(old);
    await h.waitStored([old.eventId]);
    const { rows } = await h.admin.query<{ partition: string }>(
      `SELECT tableoid::regclass::text AS partition FROM observability.events WHERE event_id = $1`,
      [old.eventId],
    );
    expect(rows).toEqual([{ partition: 'observability.events_default' }]);
    // Its month now has rows in the default partition: no partition is created over them.
    const { rows: created } = await h.admin.query<{ created: boolean }>(
      `SELECT observability.ensure_month_partition('2005-03-01') AS created`,
    );
    expect(created).toEqual([{ created: false }]);
    const verify = await h.service.http.get('/api/v1/audit/verify').set(await h.auth(tenant, 'operator'));
    expect(verify.body).toMatchObject({ intact: true });
  });

  it('should count stored events by type and observe the ingest lag when events are ingested', async () => {
    const metrics = (await h.service.http.get('/metrics')).text;
    expect(metrics).toMatch(
      /observability_events_ingested_total\{[^}]*type="agent",result="stored"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(
      /observability_events_ingested_total\{[^}]*type="execution",result="stored"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(/observability_ingest_lag_seconds_count\{[^}]*type="agent"[^}]*\} [1-9]/);
  });
});
