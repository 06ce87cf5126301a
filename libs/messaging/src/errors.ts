// Error classification. Publishing retries what a reconnect or a JetStream leader election fixes;
// consuming never dead-letters a message because a dependency (the database) is down.
import { errors as natsErrors, RequestError } from '@nats-io/transport-node';

/** Text of an unknown thrown value, on one line. */
export function errorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text.replace(/[\r\n]+/g, ' ').trim();
}

/** A JetStream publish that may succeed when tried again (same Nats-Msg-Id, so no duplicate). */
export function isRetryablePublishError(err: unknown): boolean {
  if (err instanceof natsErrors.ClosedConnectionError || err instanceof natsErrors.DrainingConnectionError)
    return false;
  if (err instanceof natsErrors.TimeoutError || err instanceof natsErrors.ConnectionError) return true;
  if (err instanceof natsErrors.NoRespondersError) return true;
  if (err instanceof RequestError)
    return err.isNoResponders() || err.cause instanceof natsErrors.TimeoutError;
  // No responders on a JetStream subject surfaces as JetStreamNotEnabled (not exported): the stream
  // may be starting or electing a leader.
  return err instanceof Error && err.name === 'JetStreamNotEnabled';
}

const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

const TRANSIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'the database system is starting up',
  'the database system is shutting down',
  'Connection refused',
];

/**
 * Default classifier of handler errors: true for failures of a dependency rather than of the message
 * (network errors, PostgreSQL connection/resource classes 08 and 53, shutdown 57P0x, serialization
 * failure 40001 and deadlock 40P01). Transient failures are retried forever with backoff and never
 * dead-lettered; anything else counts towards the consumer's delivery limit.
 */
export function isTransientError(err: unknown, depth = 0): boolean {
  if (depth > 5 || err === null || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; driverError?: unknown };
  if (typeof e.code === 'string') {
    if (TRANSIENT_NODE_CODES.has(e.code)) return true;
    if (/^(08|53)[0-9A-Z]{3}$/.test(e.code) || /^57P0[1-3]$/.test(e.code)) return true;
    if (e.code === '40001' || e.code === '40P01') return true;
  }
  if (typeof e.message === 'string' && TRANSIENT_MESSAGES.some((m) => (e.message as string).includes(m)))
    return true;
  // AggregateError (e.g. connect() to every address failed), TypeORM's driverError, Error.cause.
  if (err instanceof AggregateError && err.errors.some((x) => isTransientError(x, depth + 1))) return true;
  return isTransientError(e.driverError, depth + 1) || isTransientError(e.cause, depth + 1);
}
