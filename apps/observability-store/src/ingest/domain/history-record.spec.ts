import { describe, expect, it } from '@jest/globals';
import { Environment, ExecutionStatus, type Plane } from '@auraison/contracts';
import { agentEvent, executionEvent } from '@auraison/testing';
import { canonicalJson } from '../../common/domain/canonical-json.js';
import {
  agentBodyJson,
  agentBodyObject,
  agentRecord,
  executionRecord,
  type RecordResult,
} from './history-record.js';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const DAY = 24 * 3600 * 1000;
const at = new Date('2026-12-04T11:00:00Z');

const ok = (r: RecordResult) => {
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r.record;
};
const reason = (r: RecordResult): string => (r.ok ? '' : r.reason);

describe('agentRecord', () => {
  it('should keep the whole event as canonical JSON and derive the filter columns', () => {
    const e = agentEvent({
      timestamp: at,
      tenantId: '6F1C2D3E-4A5B-4C6D-8E7F-0123456789AB',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      toolCalls: [
        { tool: 'Bash', input: { z: 1, a: 'pip install' }, output: 'ok', durationMs: 5, isError: true },
        { tool: 'mcp__nav2__navigate_to_pose', input: {}, output: '', durationMs: 9 },
        { tool: 'Bash', input: {}, output: '', durationMs: 1 },
      ],
    });
    const r = ok(agentRecord(e, NOW, DAY));
    expect(r).toMatchObject({
      kind: 'agent',
      tenantId: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
      eventId: e.eventId,
      occurredAt: at,
      agentRole: 'notebook',
      jobId: e.jobId,
      sessionId: e.sessionId,
      traceId: e.traceId,
      exitCode: 0,
      status: null,
      tools: ['Bash', 'mcp__nav2__navigate_to_pose', 'mcp__nav2__*'],
    });
    expect(r.search).toEqual(expect.arrayContaining(['pip', 'install', 'bash']));
    const body = JSON.parse(r.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      plane: 'control',
      tenant_id: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
      timestamp: '2026-12-04T11:00:00.000Z',
      tool_calls: [
        { tool: 'Bash', input: { a: 'pip install', z: 1 }, output: 'ok', duration_ms: 5, is_error: true },
        {},
        {},
      ],
    });
    expect(r.body.indexOf('"a":"pip install"')).toBeLessThan(r.body.indexOf('"z":1'));
  });

  it('should store empty job and session ids as null columns', () => {
    const r = ok(
      agentRecord(agentEvent({ timestamp: at, jobId: '', sessionId: '', toolCalls: [] }), NOW, DAY),
    );
    expect(r).toMatchObject({ jobId: null, sessionId: null, tools: [], search: null });
  });

  it.each([
    ['an unknown plane', { plane: 7 as Plane }, /plane has an unknown value 7/],
    ['a timestamp two days ahead', { timestamp: new Date(NOW + 2 * DAY) }, /timestamp .* in the future/],
    ['a timestamp from 1970', { timestamp: new Date(0) }, /before 2000-01-01/],
    [
      'a control character in session_id',
      { sessionId: 'a\u0000b' },
      /session_id contains control characters/,
    ],
    ['a lone surrogate in job_id', { jobId: 'a\ud800' }, /job_id contains control characters/],
    ['tokens beyond 2^53', { tokensOut: 2 ** 54 }, /tokens_out .* beyond 2\^53/],
    [
      'too many labels',
      { labels: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v'])) },
      /labels has 101/,
    ],
    [
      'a tool name with a newline',
      { toolCalls: [{ tool: 'Ba\nsh', output: '', durationMs: 1 }] },
      /tool_calls\[0\]\.tool/,
    ],
  ])('should refuse %s with the field named', (_what, change, expected) => {
    expect(reason(agentRecord(agentEvent({ timestamp: at, ...change }), NOW, DAY))).toMatch(expected);
  });
});

describe('executionRecord', () => {
  it('should name status, environment and plane by their plane-wide names', () => {
    const e = executionEvent({
      timestamp: at,
      status: ExecutionStatus.EXECUTION_STATUS_STOPPED,
      environment: Environment.ENVIRONMENT_ROS_DEV_GPU,
    });
    const r = ok(executionRecord(e, NOW, DAY));
    expect(r).toMatchObject({
      kind: 'execution',
      status: 'stopped',
      exitCode: null,
      tools: null,
      jobId: e.jobId,
    });
    expect(JSON.parse(r.body)).toMatchObject({
      status: 'stopped',
      environment: 'ros.dev.gpu',
      plane: 'user',
      gpu_seconds: 3600,
    });
  });

  it.each([
    ['an unknown status', { status: 42 as ExecutionStatus }, /status has an unknown value 42/],
    ['an unknown environment', { environment: 9 as Environment }, /environment has an unknown value 9/],
    ['centuries of GPU time', { gpuSeconds: 2e10 }, /gpu_seconds/],
    ['a million GPUs', { gpuCount: 1_000_000 }, /gpu_count/],
    [
      'an end before the start',
      { startedAt: at, endedAt: new Date(at.getTime() - 1) },
      /ended_at is before started_at/,
    ],
  ])('should refuse %s', (_what, change, expected) => {
    expect(reason(executionRecord(executionEvent({ timestamp: at, ...change }), NOW, DAY))).toMatch(expected);
  });
});

describe('agentBodyJson', () => {
  it.each([
    ['a minimal event', agentEvent({ toolCalls: [], labels: {} })],
    [
      'an event with every optional field',
      agentEvent({
        model: 'm',
        cacheReadTokens: 1,
        cacheWriteTokens: 0,
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        parentSpanId: 'c'.repeat(16),
        variant: 'v',
        experimentId: 'x',
        agentConfigVersion: 3,
        durationMs: 10,
        resultSubtype: 'success',
        labels: { z: '1', a: '2', É: '3' },
        toolCalls: [
          {
            tool: 'Bash',
            input: { b: [1, { d: null, c: 'é"\\\n' }], a: 1.5e-7 },
            output: 'o\u0000\ud800',
            durationMs: 1,
            toolUseId: 't',
            isError: false,
            permissionDenied: true,
            startedAt: new Date('2026-01-01T00:00:00Z'),
          },
          { tool: 'Read', output: '', durationMs: 0 },
        ],
      }),
    ],
  ])('should equal the canonical JSON of the event object for %s', (_what, e) => {
    expect(agentBodyJson(e, 'control', e.tenantId)).toBe(
      canonicalJson(agentBodyObject(e, 'control', e.tenantId)),
    );
  });
});
