import { describe, expect, it } from '@jest/globals';
import {
  AgentEventMessage,
  AlertMessage,
  CodecError,
  decodeMessage,
  encodeMessage,
  EvaluationSummaryMessage,
  ExecutionEventMessage,
  formatOf,
  TenantEventMessage,
  toProtoJson,
  type MessageType,
} from './index.js';
import { AlertSeverity, AlertState } from './gen/auraison/mp/v1/alert.js';
import { Environment, Plane } from './gen/auraison/mp/v1/common.js';
import { EvaluationTrigger } from './gen/auraison/mp/v1/evaluation.js';
import { ExecutionStatus, type ExecutionEvent } from './gen/auraison/mp/v1/execution_event.js';
import { TenantEventType, TenantStatus } from './gen/auraison/mp/v1/tenant_event.js';
import type { AgentEvent } from './gen/auraison/mp/v1/agent_event.js';

const TENANT = '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab';
const USER = '0a1b2c3d-4e5f-4a6b-9c8d-0123456789ab';
const AT = new Date('2026-12-04T10:11:12.345Z');

function agentEvent(overrides: Partial<AgentEvent> = {}): AgentEvent {
  return {
    eventId: 'sess-1:msg_01',
    timestamp: AT,
    plane: Plane.PLANE_CONTROL,
    agentRole: 'notebook',
    jobId: 'job-42',
    sessionId: 'sess-1',
    toolCalls: [
      {
        tool: 'Bash',
        input: { command: 'kubectl get rayjobs -n t1', nested: { n: 1.5, list: ['a', true, null] } },
        output: 'NAME  STATUS\njob-42 RUNNING',
        durationMs: 812,
        toolUseId: 'toolu_01',
        isError: false,
        startedAt: new Date('2026-12-04T10:11:00.000Z'),
      },
      { tool: 'Read', input: { file_path: '/work/x.ipynb' }, output: '{}', durationMs: 3 },
    ],
    tokensIn: 1200,
    tokensOut: 340,
    exitCode: 0,
    tenantId: TENANT,
    model: 'claude-sonnet-4-5',
    userId: USER,
    cacheReadTokens: 5000,
    cacheWriteTokens: 700,
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    labels: { job_kind: 'lakehouse' },
    ...overrides,
  };
}

const samples: Array<[string, MessageType<never>, object]> = [
  ['AgentEvent', AgentEventMessage as MessageType<never>, agentEvent()],
  [
    'ExecutionEvent',
    ExecutionEventMessage as MessageType<never>,
    {
      eventId: 'raysubmit_1:SUCCEEDED:1',
      timestamp: AT,
      plane: Plane.PLANE_USER,
      jobId: 'job-42',
      environment: Environment.ENVIRONMENT_TORCH_DEV_GPU,
      rayJobId: 'raysubmit_1',
      status: ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
      gpuSeconds: 7200.5,
      tenantId: TENANT,
      gpuCount: 2,
      startedAt: new Date('2026-12-04T09:11:12.000Z'),
      endedAt: AT,
      labels: {},
    },
  ],
  [
    'TenantEvent',
    TenantEventMessage as MessageType<never>,
    {
      eventId: 'tenant-evt-1',
      timestamp: AT,
      type: TenantEventType.TENANT_EVENT_TYPE_QUOTA_CHANGED,
      tenantId: TENANT,
      slug: 'acme',
      name: 'Acme Robotics',
      status: TenantStatus.TENANT_STATUS_ACTIVE,
      k8sNamespace: 'mp-acme',
      allowedEnvironments: [Environment.ENVIRONMENT_TORCH_DEV_GPU, Environment.ENVIRONMENT_ROS_DEV_GPU],
      quota: {
        gpuHoursPerPeriod: 100.5,
        tokenBudgetPerPeriod: 5_000_000,
        maxJobsInFlight: 4,
        defaultMaxJobDurationS: 3600,
        periodAnchorDay: 1,
      },
      revision: 3,
    },
  ],
  [
    'EvaluationSummary',
    EvaluationSummaryMessage as MessageType<never>,
    {
      eventId: 'eval-run-1',
      timestamp: AT,
      runId: 'run-1',
      windowStart: new Date('2026-12-03T00:00:00.000Z'),
      windowEnd: new Date('2026-12-04T00:00:00.000Z'),
      trigger: EvaluationTrigger.EVALUATION_TRIGGER_SCHEDULE,
      signals: [
        {
          agentRole: 'notebook',
          environment: Environment.ENVIRONMENT_TORCH_DEV_GPU,
          model: 'claude-sonnet-4-5',
          variant: '',
          jobLabel: 'lakehouse',
          runs: 412,
          successes: 317,
          successRate: 0.769,
          successRateCiLow: 0.727,
          successRateCiHigh: 0.808,
          latencyP50Ms: 1000,
          latencyP90Ms: 2000,
          latencyP99Ms: 5000,
          tokensPerSuccess: 1540.5,
          costMicrosPerSuccess: 123456,
          wandbMetricDeltas: { 'eval/loss': -0.02 },
          text: 'notebook on torch.dev.gpu: 23% failure rate for lakehouse jobs (n=412, 95% CI 19-27%)',
        },
      ],
      experiments: [],
      degraded: true,
      degradedReason: 'W&B unreachable',
      tenantId: '',
    },
  ],
  [
    'Alert',
    AlertMessage as MessageType<never>,
    {
      eventId: 'alert-1',
      timestamp: AT,
      alertId: 'rule-1:notebook',
      ruleId: 'rule-1',
      tenantId: TENANT,
      severity: AlertSeverity.ALERT_SEVERITY_WARNING,
      state: AlertState.ALERT_STATE_FIRING,
      title: 'failure rate above 20%',
      description: 'n=412',
      source: 'eval-loop',
      value: 0.23,
      threshold: 0.2,
      labels: { agent_role: 'notebook' },
    },
  ],
];

describe('codec', () => {
  describe.each(samples)('%s', (_name, type, sample) => {
    it('should round-trip through protobuf unchanged', () => {
      const { data, contentType } = encodeMessage(type, sample as never);
      expect(contentType).toBe('application/protobuf');
      expect(decodeMessage(type, data)).toEqual(sample);
      expect(decodeMessage(type, data, 'application/x-protobuf')).toEqual(sample);
    });

    it('should round-trip through proto3 JSON with the original snake_case names', () => {
      const { data, contentType } = encodeMessage(type, sample as never, 'json');
      expect(contentType).toBe('application/json');
      const text = Buffer.from(data).toString('utf8');
      expect(text).toContain('"event_id"');
      expect(text).not.toContain('"eventId"');
      expect(decodeMessage(type, data, 'application/json; charset=utf-8')).toEqual(sample);
    });

    it('should accept camelCase proto3 JSON as well', () => {
      const json = toProtoJson(type, sample as never, { camelCase: true });
      expect(JSON.stringify(json)).toContain('"eventId"');
      expect(decodeMessage(type, Buffer.from(JSON.stringify(json)), 'application/json')).toEqual(sample);
    });
  });

  it('should keep tool call inputs as structured JSON', () => {
    const json = toProtoJson(AgentEventMessage, agentEvent()) as { tool_calls: Array<{ input: unknown }> };
    expect(json.tool_calls[0]!.input).toEqual({
      command: 'kubectl get rayjobs -n t1',
      nested: { n: 1.5, list: ['a', true, null] },
    });
  });

  it('should name the field when JSON has a wrong type', () => {
    const body = JSON.stringify({
      ...(toProtoJson(AgentEventMessage, agentEvent()) as object),
      tokens_in: 'many',
    });
    expect(() => decodeMessage(AgentEventMessage, Buffer.from(body), 'application/json')).toThrow(
      /tokens_in/,
    );
  });

  it('should reject unknown JSON fields by name', () => {
    const body = JSON.stringify({ ...(toProtoJson(AgentEventMessage, agentEvent()) as object), tokens: 3 });
    expect(() => decodeMessage(AgentEventMessage, Buffer.from(body), 'application/json')).toThrow(/tokens/);
  });

  it('should reject payloads that are not JSON when JSON is announced', () => {
    expect(() => decodeMessage(AgentEventMessage, Buffer.from('{"event_id": '), 'application/json')).toThrow(
      /not JSON/,
    );
    expect(() => decodeMessage(AgentEventMessage, Buffer.from('[1,2]'), 'application/json')).toThrow(
      /must be an object/,
    );
  });

  it('should reject an unsupported Content-Type with what to send instead', () => {
    const { data } = encodeMessage(AgentEventMessage, agentEvent());
    let error: unknown;
    try {
      decodeMessage(AgentEventMessage, data, 'text/plain');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).kind).toBe('content-type');
    expect((error as CodecError).reason).toMatch(/unsupported Content-Type "text\/plain".*application\/json/);
    expect(() => formatOf('application/xml')).toThrow(CodecError);
  });

  it('should reject truncated protobuf', () => {
    const { data } = encodeMessage(AgentEventMessage, agentEvent());
    const truncated = data.subarray(0, data.length - 5);
    expect(() => decodeMessage(AgentEventMessage, truncated)).toThrow(/invalid protobuf|is required/);
  });

  it('should reject garbage bytes', () => {
    const garbage = Buffer.from('this is definitely not a protobuf message, just text');
    expect(() => decodeMessage(AgentEventMessage, garbage)).toThrow(CodecError);
  });

  it('should list every semantic problem at once', () => {
    const bad = agentEvent({ eventId: '', tenantId: 'acme', agentRole: '', traceId: 'xyz' });
    const { data } = encodeMessage(AgentEventMessage, bad);
    let error: CodecError | undefined;
    try {
      decodeMessage(AgentEventMessage, data);
    } catch (e) {
      error = e as CodecError;
    }
    expect(error?.kind).toBe('validation');
    expect(error?.reason).toContain('event_id is required');
    expect(error?.reason).toContain('tenant_id must be a UUID (got "acme")');
    expect(error?.reason).toContain('agent_role is required');
    expect(error?.reason).toContain('trace_id must be 32 lowercase hex characters');
  });

  it('should reject negative token counts and unspecified enums', () => {
    const { data } = encodeMessage(ExecutionEventMessage, {
      ...(samples[1]![2] as ExecutionEvent),
      status: ExecutionStatus.EXECUTION_STATUS_UNSPECIFIED,
      gpuSeconds: -1,
    });
    expect(() => decodeMessage(ExecutionEventMessage, data)).toThrow(
      /status is required.*gpu_seconds must be/,
    );
  });
});
