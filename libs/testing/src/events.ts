// Valid plane messages for tests, each with a unique event id; override any field.
import { randomUUID } from 'node:crypto';
import {
  Environment,
  ExecutionStatus,
  Plane,
  TenantEventType,
  TenantStatus,
  type AgentEvent,
  type ExecutionEvent,
  type TenantEvent,
} from '@auraison/contracts';

/** The tenant every factory uses unless told otherwise. */
export const TEST_TENANT_ID = '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab';
/** A user of the test tenant. */
export const TEST_USER_ID = '0a1b2c3d-4e5f-4a6b-9c8d-0123456789ab';

export function agentEvent(overrides: Partial<AgentEvent> = {}): AgentEvent {
  const sessionId = `sess-${randomUUID()}`;
  return {
    eventId: `${sessionId}:msg_${randomUUID()}`,
    timestamp: new Date(),
    plane: Plane.PLANE_CONTROL,
    agentRole: 'notebook',
    jobId: `job-${randomUUID()}`,
    sessionId,
    toolCalls: [
      {
        tool: 'Bash',
        input: { command: 'kubectl get rayjobs' },
        output: 'NAME  STATUS',
        durationMs: 120,
      },
    ],
    tokensIn: 1200,
    tokensOut: 340,
    exitCode: 0,
    tenantId: TEST_TENANT_ID,
    model: 'claude-sonnet-4-5',
    userId: TEST_USER_ID,
    labels: {},
    ...overrides,
  };
}

export function executionEvent(overrides: Partial<ExecutionEvent> = {}): ExecutionEvent {
  const rayJobId = `raysubmit_${randomUUID()}`;
  return {
    eventId: `${rayJobId}:SUCCEEDED:1`,
    timestamp: new Date(),
    plane: Plane.PLANE_USER,
    jobId: `job-${randomUUID()}`,
    environment: Environment.ENVIRONMENT_TORCH_DEV_GPU,
    rayJobId,
    status: ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
    gpuSeconds: 3600,
    tenantId: TEST_TENANT_ID,
    gpuCount: 1,
    labels: {},
    ...overrides,
  };
}

export function tenantEvent(overrides: Partial<TenantEvent> = {}): TenantEvent {
  return {
    eventId: `tenant-evt-${randomUUID()}`,
    timestamp: new Date(),
    type: TenantEventType.TENANT_EVENT_TYPE_UPDATED,
    tenantId: TEST_TENANT_ID,
    slug: 'acme',
    name: 'Acme Robotics',
    status: TenantStatus.TENANT_STATUS_ACTIVE,
    k8sNamespace: 'mp-acme',
    allowedEnvironments: [Environment.ENVIRONMENT_TORCH_DEV_GPU],
    revision: 1,
    ...overrides,
  };
}
