// The admission decision for one job against a tenant's quota, from numbers read under the tenant's
// admission lock. Pure: the use case reads, decides here, then writes.
import { AdmitJobRejection } from '@auraison/contracts';

export interface QuotaLimits {
  gpuMs: number;
  tokens: number;
  maxJobsInFlight: number;
}

/** Usage of the current period plus what open reservations still hold. */
export interface QuotaPosition {
  gpuMsUsed: number;
  tokensUsed: number;
  gpuMsReserved: number;
  tokensReserved: number;
  jobsInFlight: number;
}

export interface JobAsk {
  gpuMs: number;
  tokens: number;
}

export type AdmissionOutcome =
  { admitted: true } | { admitted: false; rejection: AdmitJobRejection; message: string };

export function decideAdmission(limits: QuotaLimits, position: QuotaPosition, ask: JobAsk): AdmissionOutcome {
  if (position.jobsInFlight + 1 > limits.maxJobsInFlight)
    return {
      admitted: false,
      rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_MAX_JOBS_IN_FLIGHT,
      message: `the tenant already has ${position.jobsInFlight} of ${limits.maxJobsInFlight} jobs in flight`,
    };
  const gpuLeft = limits.gpuMs - position.gpuMsUsed - position.gpuMsReserved;
  if (ask.gpuMs > gpuLeft)
    return {
      admitted: false,
      rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_GPU_HOURS_EXCEEDED,
      message: `the job needs ${hours(ask.gpuMs)} GPU-hours (GPUs x max duration); ${hours(Math.max(0, gpuLeft))} are left this period`,
    };
  const tokensLeft = limits.tokens - position.tokensUsed - position.tokensReserved;
  if (ask.tokens > tokensLeft)
    return {
      admitted: false,
      rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_TOKEN_BUDGET_EXCEEDED,
      message: `the job estimates ${ask.tokens} tokens; ${Math.max(0, tokensLeft)} are left this period`,
    };
  return { admitted: true };
}

function hours(ms: number): string {
  return String(Math.round((ms / 3_600_000) * 1000) / 1000);
}
