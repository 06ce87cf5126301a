// A KubeRay RayJob (ray.io/v1) → ExecutionEvent: status mapped to the plane's lifecycle, GPUs counted
// from the cluster spec (requests, else limits, x replicas x hosts), gpu_seconds from the job's start
// and end. The management-plane identity of the job (tenant, job id, environment, trace) travels in
// the RayJob's labels and annotations, which the control plane sets when it dispatches.
import { environmentFromName, ExecutionStatus, Plane, type ExecutionEvent } from '@auraison/contracts';

export const RAYJOB_LABELS = {
  tenantId: 'auraison.io/tenant-id',
  jobId: 'auraison.io/job-id',
  environment: 'auraison.io/environment',
  agentRole: 'auraison.io/agent-role',
  userId: 'auraison.io/user-id',
} as const;

export const RAYJOB_ANNOTATIONS = {
  traceparent: 'auraison.io/traceparent',
  sessionId: 'auraison.io/session-id',
  reservationId: 'auraison.io/reservation-id',
  variant: 'auraison.io/variant',
} as const;

type Resources = { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
interface PodTemplate {
  spec?: { containers?: Array<{ resources?: Resources }> };
}
interface GroupSpec {
  replicas?: number;
  numOfHosts?: number;
  template?: PodTemplate;
}

export interface RayJob {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: {
    rayClusterSpec?: { headGroupSpec?: GroupSpec; workerGroupSpecs?: GroupSpec[] };
  };
  status?: {
    jobId?: string;
    jobStatus?: string;
    jobDeploymentStatus?: string;
    reason?: string;
    startTime?: string;
    endTime?: string;
    failed?: number;
    succeeded?: number;
    rayClusterStatus?: { desiredGPU?: string };
  };
}

export class RayJobConversionError extends Error {}

/** KubeRay statuses → the plane's (research: external-formats.md "KubeRay RayJob"). */
export function mapRayJobStatus(jobStatus = '', deploymentStatus = ''): ExecutionStatus {
  switch (jobStatus) {
    case 'RUNNING':
      return ExecutionStatus.EXECUTION_STATUS_RUNNING;
    case 'SUCCEEDED':
      return ExecutionStatus.EXECUTION_STATUS_SUCCEEDED;
    case 'FAILED':
      return ExecutionStatus.EXECUTION_STATUS_FAILED;
    case 'STOPPED':
      return ExecutionStatus.EXECUTION_STATUS_STOPPED;
  }
  if (deploymentStatus === 'Failed' || deploymentStatus === 'ValidationFailed')
    return ExecutionStatus.EXECUTION_STATUS_FAILED;
  return ExecutionStatus.EXECUTION_STATUS_PENDING;
}

function isGpuKey(key: string): boolean {
  return /gpu$/i.test(key) || key.startsWith('nvidia.com/mig-');
}

function quantity(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(String(value));
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function podGpus(template: PodTemplate | undefined): number {
  let total = 0;
  for (const c of template?.spec?.containers ?? []) {
    const pick = (r: Record<string, unknown> | undefined): number =>
      Object.entries(r ?? {}).reduce((sum, [k, v]) => (isGpuKey(k) ? sum + quantity(v) : sum), 0);
    const requested = pick(c.resources?.requests);
    total += requested > 0 ? requested : pick(c.resources?.limits);
  }
  return total;
}

/** GPUs of the Ray cluster: head (one pod) + each worker group's pods x replicas x hosts. */
export function rayJobGpuCount(job: RayJob): number {
  const spec = job.spec?.rayClusterSpec;
  let gpus = podGpus(spec?.headGroupSpec?.template);
  for (const group of spec?.workerGroupSpecs ?? [])
    gpus += podGpus(group.template) * Math.max(0, group.replicas ?? 1) * Math.max(1, group.numOfHosts ?? 1);
  if (gpus === 0) gpus = quantity(job.status?.rayClusterStatus?.desiredGPU);
  return gpus;
}

function parseTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

export function executionEventFromRayJob(job: RayJob, now: Date = new Date()): ExecutionEvent {
  const labels = job.metadata?.labels ?? {};
  const annotations = job.metadata?.annotations ?? {};
  const tenantId = labels[RAYJOB_LABELS.tenantId];
  const jobId = labels[RAYJOB_LABELS.jobId];
  const environment = environmentFromName(labels[RAYJOB_LABELS.environment] ?? '');
  const missing = [
    !tenantId && `label ${RAYJOB_LABELS.tenantId}`,
    !jobId && `label ${RAYJOB_LABELS.jobId}`,
    environment === undefined && `label ${RAYJOB_LABELS.environment} (torch.dev.gpu or ros.dev.gpu)`,
    !job.metadata?.uid && 'metadata.uid',
  ].filter(Boolean);
  if (missing.length > 0)
    throw new RayJobConversionError(
      `RayJob ${job.metadata?.namespace ?? '?'}/${job.metadata?.name ?? '?'} lacks ${missing.join(', ')}`,
    );

  const status = mapRayJobStatus(job.status?.jobStatus, job.status?.jobDeploymentStatus);
  const terminal =
    status === ExecutionStatus.EXECUTION_STATUS_SUCCEEDED ||
    status === ExecutionStatus.EXECUTION_STATUS_FAILED ||
    status === ExecutionStatus.EXECUTION_STATUS_STOPPED;
  const startedAt = parseTime(job.status?.startTime);
  const endedAt = terminal ? (parseTime(job.status?.endTime) ?? now) : undefined;
  const gpuCount = rayJobGpuCount(job);
  const end = endedAt ?? now;
  const gpuSeconds =
    startedAt && status !== ExecutionStatus.EXECUTION_STATUS_PENDING
      ? (gpuCount * Math.max(0, end.getTime() - startedAt.getTime())) / 1000
      : 0;
  const attempt = 1 + (job.status?.failed ?? 0) + (job.status?.succeeded ?? 0) - (terminal ? 1 : 0);
  const trace = TRACEPARENT.exec(annotations[RAYJOB_ANNOTATIONS.traceparent] ?? '');
  return {
    // Deterministic: the same RayJob status seen twice (a watch re-list) is the same event.
    eventId: `rayjob:${job.metadata!.uid}:${ExecutionStatus[status]}:${attempt}`,
    timestamp:
      endedAt ?? (status === ExecutionStatus.EXECUTION_STATUS_RUNNING && startedAt ? startedAt : now),
    plane: Plane.PLANE_USER,
    jobId: jobId!,
    environment: environment!,
    rayJobId: job.status?.jobId ?? '',
    status,
    gpuSeconds,
    tenantId: tenantId!,
    gpuCount,
    ...(startedAt ? { startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
    ...(job.status?.reason ? { reason: job.status.reason } : {}),
    ...(trace ? { traceId: trace[1], spanId: trace[2] } : {}),
    ...(labels[RAYJOB_LABELS.agentRole] ? { agentRole: labels[RAYJOB_LABELS.agentRole] } : {}),
    ...(labels[RAYJOB_LABELS.userId] ? { userId: labels[RAYJOB_LABELS.userId] } : {}),
    ...(annotations[RAYJOB_ANNOTATIONS.sessionId]
      ? { sessionId: annotations[RAYJOB_ANNOTATIONS.sessionId] }
      : {}),
    ...(annotations[RAYJOB_ANNOTATIONS.variant] ? { variant: annotations[RAYJOB_ANNOTATIONS.variant] } : {}),
    ...(annotations[RAYJOB_ANNOTATIONS.reservationId]
      ? { reservationId: annotations[RAYJOB_ANNOTATIONS.reservationId] }
      : {}),
    attempt,
    ...(job.metadata?.namespace ? { namespace: job.metadata.namespace } : {}),
    labels: Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('auraison.io/'))),
  };
}
