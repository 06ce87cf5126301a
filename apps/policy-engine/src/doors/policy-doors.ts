// What the three doors share around the core: timing, decision metrics, and turning anything that
// is not a PolicyError into an opaque internal error (logged here, never shown to the caller).
import { Inject, Injectable } from '@nestjs/common';
import { AdmitJobRejection, type AdmitJobRequest, type AdmitJobResponse } from '@auraison/contracts';
import { extractTraceContext, LOGGER, type HeaderCarrier, type Logger } from '@auraison/observability';
import { PolicyError } from '../common/domain/policy-error.js';
import { PolicyMetrics, type Door, type Operation } from '../metrics/policy-metrics.js';

/** The metric reason of an AdmitJob rejection: `gpu_hours_exceeded`, `lockdown`... */
export function rejectionReason(rejection: AdmitJobRejection): string {
  return (AdmitJobRejection[rejection] ?? 'unknown').replace(/^ADMIT_JOB_REJECTION_/, '').toLowerCase();
}

/**
 * The request with its trace id taken from the caller's W3C `traceparent` (gRPC metadata, HTTP or
 * NATS header) when the request does not carry one, so the admission decision joins the job's trace.
 */
export function withTraceId(
  request: AdmitJobRequest,
  headers: Pick<HeaderCarrier, 'get'> | undefined,
): AdmitJobRequest {
  if (request.traceId) return request;
  const trace = extractTraceContext(headers);
  return trace ? { ...request, traceId: trace.traceId } : request;
}

@Injectable()
export class PolicyDoors {
  constructor(
    private readonly metrics: PolicyMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Runs one core operation for a door; rethrows a PolicyError for the door to map. */
  async run<T>(door: Door, operation: Operation, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await work();
      const seconds = (performance.now() - started) / 1000;
      if (operation === 'admit_job') {
        const r = result as AdmitJobResponse;
        if (r.admitted) this.metrics.observe(operation, door, seconds, 'admitted', 'admitted');
        else this.metrics.observe(operation, door, seconds, 'rejected', rejectionReason(r.rejection));
      } else this.metrics.observe(operation, door, seconds, 'ok', 'ok');
      return result;
    } catch (err) {
      const seconds = (performance.now() - started) / 1000;
      const error =
        err instanceof PolicyError
          ? err
          : new PolicyError('internal', 'internal error: the policy engine logged it');
      if (!(err instanceof PolicyError)) this.logger.error({ err, operation, door }, `${operation} failed`);
      this.metrics.observe(operation, door, seconds, 'error', error.code);
      throw error;
    }
  }

  /** For errors raised before the core runs (decoding, authentication), so they are counted too. */
  count(door: Door, operation: Operation, error: PolicyError): void {
    this.metrics.observe(operation, door, 0, 'error', error.code);
  }
}
