import { describe, expect, it } from '@jest/globals';
import { Environment, ExecutionEventMessage, ExecutionStatus } from '@auraison/contracts';
import {
  executionEventFromRayJob,
  mapRayJobStatus,
  rayJobGpuCount,
  RayJobConversionError,
  type RayJob,
} from '../src/index.js';

const TENANT = '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab';

function rayJob(
  status: RayJob['status'],
  workers: Array<{
    gpus: Record<string, unknown>;
    kind?: 'requests' | 'limits';
    replicas?: number;
    numOfHosts?: number;
  }> = [],
): RayJob {
  return {
    metadata: {
      name: 'train-1',
      namespace: 'mp-acme',
      uid: 'c0ffee00-0000-4000-8000-000000000001',
      labels: {
        'auraison.io/tenant-id': TENANT,
        'auraison.io/job-id': 'job-42',
        'auraison.io/environment': 'torch.dev.gpu',
        'auraison.io/agent-role': 'notebook',
        job_kind: 'lakehouse',
      },
      annotations: { 'auraison.io/traceparent': '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    },
    spec: {
      rayClusterSpec: {
        headGroupSpec: { template: { spec: { containers: [{ resources: { limits: { cpu: '2' } } }] } } },
        workerGroupSpecs: workers.map((w) => ({
          replicas: w.replicas,
          numOfHosts: w.numOfHosts,
          template: { spec: { containers: [{ resources: { [w.kind ?? 'requests']: w.gpus } }] } },
        })),
      },
    },
    status,
  };
}

describe('RayJob status mapping', () => {
  it.each([
    ['', '', ExecutionStatus.EXECUTION_STATUS_PENDING],
    ['PENDING', 'Initializing', ExecutionStatus.EXECUTION_STATUS_PENDING],
    ['RUNNING', 'Running', ExecutionStatus.EXECUTION_STATUS_RUNNING],
    ['SUCCEEDED', 'Complete', ExecutionStatus.EXECUTION_STATUS_SUCCEEDED],
    ['FAILED', 'Complete', ExecutionStatus.EXECUTION_STATUS_FAILED],
    ['STOPPED', 'Complete', ExecutionStatus.EXECUTION_STATUS_STOPPED],
    ['', 'Failed', ExecutionStatus.EXECUTION_STATUS_FAILED],
    ['', 'ValidationFailed', ExecutionStatus.EXECUTION_STATUS_FAILED],
  ])('should map jobStatus %j / deployment %j', (job, deployment, expected) => {
    expect(mapRayJobStatus(job, deployment)).toBe(expected);
  });
});

describe('GPU count', () => {
  it('should take requests, else limits, times replicas and hosts, over every group', () => {
    const job = rayJob({}, [
      { gpus: { 'nvidia.com/gpu': 2 }, replicas: 3 },
      { gpus: { 'nvidia.com/gpu': '1' }, kind: 'limits', replicas: 2, numOfHosts: 2 },
      { gpus: { 'nvidia.com/mig-1g.5gb': 1 }, replicas: 1 },
    ]);
    expect(rayJobGpuCount(job)).toBe(2 * 3 + 1 * 2 * 2 + 1);
  });

  it("should fall back to the cluster status's desired GPUs", () => {
    expect(rayJobGpuCount(rayJob({ rayClusterStatus: { desiredGPU: '4' } }))).toBe(4);
  });
});

describe('executionEventFromRayJob', () => {
  it('should build a terminal event with gpu_seconds from start and end', () => {
    const job = rayJob(
      {
        jobId: 'raysubmit_abc',
        jobStatus: 'SUCCEEDED',
        jobDeploymentStatus: 'Complete',
        startTime: '2026-12-04T09:00:00Z',
        endTime: '2026-12-04T10:00:00Z',
        succeeded: 1,
      },
      [{ gpus: { 'nvidia.com/gpu': 2 }, replicas: 2 }],
    );
    const e = executionEventFromRayJob(job);
    expect(e).toMatchObject({
      eventId: 'rayjob:c0ffee00-0000-4000-8000-000000000001:EXECUTION_STATUS_SUCCEEDED:1',
      jobId: 'job-42',
      tenantId: TENANT,
      environment: Environment.ENVIRONMENT_TORCH_DEV_GPU,
      rayJobId: 'raysubmit_abc',
      status: ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
      gpuCount: 4,
      gpuSeconds: 4 * 3600,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      agentRole: 'notebook',
      namespace: 'mp-acme',
      labels: { job_kind: 'lakehouse' },
      attempt: 1,
    });
    expect(e.timestamp).toEqual(new Date('2026-12-04T10:00:00Z'));
    expect(
      ExecutionEventMessage.validate(ExecutionEventMessage.decode(ExecutionEventMessage.encode(e))),
    ).toEqual([]);
  });

  it('should count GPU seconds so far while running, and none while pending', () => {
    const running = rayJob({ jobStatus: 'RUNNING', startTime: '2026-12-04T09:00:00Z' }, [
      { gpus: { 'nvidia.com/gpu': 1 } },
    ]);
    expect(executionEventFromRayJob(running, new Date('2026-12-04T09:30:00Z')).gpuSeconds).toBe(1800);
    expect(
      executionEventFromRayJob(rayJob({ jobStatus: 'PENDING' }, [{ gpus: { 'nvidia.com/gpu': 1 } }]))
        .gpuSeconds,
    ).toBe(0);
  });

  it('should give each attempt and status its own stable event id', () => {
    const a = executionEventFromRayJob(
      rayJob({
        jobStatus: 'FAILED',
        failed: 1,
        startTime: '2026-12-04T09:00:00Z',
        endTime: '2026-12-04T09:01:00Z',
      }),
    );
    const b = executionEventFromRayJob(
      rayJob({ jobStatus: 'RUNNING', failed: 1, startTime: '2026-12-04T09:02:00Z' }),
    );
    expect(a.eventId).toMatch(/:EXECUTION_STATUS_FAILED:1$/);
    expect(b.eventId).toMatch(/:EXECUTION_STATUS_RUNNING:2$/);
    expect(
      executionEventFromRayJob(
        rayJob({
          jobStatus: 'FAILED',
          failed: 1,
          startTime: '2026-12-04T09:00:00Z',
          endTime: '2026-12-04T09:01:00Z',
        }),
      ).eventId,
    ).toBe(a.eventId);
  });

  it('should name the labels it needs when they are missing', () => {
    const job = rayJob({ jobStatus: 'RUNNING' });
    delete job.metadata!.labels!['auraison.io/tenant-id'];
    job.metadata!.labels!['auraison.io/environment'] = 'mars.dev.gpu';
    expect(() => executionEventFromRayJob(job)).toThrow(RayJobConversionError);
    expect(() => executionEventFromRayJob(job)).toThrow(/auraison.io\/tenant-id.*auraison.io\/environment/);
  });
});
