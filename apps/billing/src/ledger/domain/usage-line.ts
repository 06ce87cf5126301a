// What an event is worth billing: one usage line per AgentEvent (its token counts per class) and per
// terminal ExecutionEvent (its GPU time), priced at the rate in force at the event's timestamp.
// Pure: no Nest, no I/O.
import {
  environmentName,
  ExecutionStatus,
  type AgentEvent,
  type Environment,
  type ExecutionEvent,
} from '@auraison/contracts';
import type { Micros } from '../../common/domain/money.js';
import { gpuSecondsToMillis } from '../../price-book/domain/gpu-seconds.js';
import type { PriceBook } from '../../price-book/domain/price-book.js';
import { gpuCost, tokenCost } from '../../price-book/domain/pricing.js';

export type UsageSource = 'agent' | 'execution';

export interface UsageLine {
  source: UsageSource;
  eventId: string;
  tenantId: string;
  occurredAt: Date;
  userId: string | null;
  /** '' when the event names none. */
  jobId: string;
  agentRole: string;
  /** Model id for token usage, '' for GPU usage. */
  model: string;
  /** Environment name for GPU usage, '' for token usage. */
  environment: string;
  inputTokens: bigint;
  outputTokens: bigint;
  cacheReadTokens: bigint;
  cacheWriteTokens: bigint;
  /** GPU-milliseconds (see gpu-seconds.ts for the exact conversion). */
  gpuMs: bigint;
}

export interface LineCosts {
  /** Price-book version used; null when none applied (unpriced, or nothing to price). */
  rateVersion: number | null;
  inputCost: Micros;
  outputCost: Micros;
  cacheReadCost: Micros;
  cacheWriteCost: Micros;
  gpuCost: Micros;
  /** Sum of the class costs; null when the line is unpriced. */
  cost: Micros | null;
}

export type PricedLine = UsageLine & LineCosts;

/** Per-event sanity limits: larger values are refused (dead-lettered with the reason). */
export interface UsageLimits {
  maxTokensPerEvent: number;
  maxGpuSecondsPerEvent: number;
  /** How far in the future an event's timestamp may be (clock skew), in ms. */
  maxFutureSkewMs: number;
}

export type Conversion =
  { kind: 'line'; line: UsageLine } | { kind: 'skip' } | { kind: 'reject'; reason: string };

const TERMINAL = new Set([
  ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
  ExecutionStatus.EXECUTION_STATUS_FAILED,
  ExecutionStatus.EXECUTION_STATUS_STOPPED,
]);

function timestampProblem(at: Date | undefined, limits: UsageLimits, now: Date): string | undefined {
  if (!at || Number.isNaN(at.getTime())) return 'timestamp is missing or invalid';
  if (at.getTime() - now.getTime() > limits.maxFutureSkewMs)
    return `timestamp ${at.toISOString()} is more than ${limits.maxFutureSkewMs / 1000} s in the future`;
  return undefined;
}

export function lineFromAgentEvent(e: AgentEvent, limits: UsageLimits, now: Date): Conversion {
  const late = timestampProblem(e.timestamp, limits, now);
  if (late) return { kind: 'reject', reason: late };
  const counts = {
    tokens_in: e.tokensIn,
    tokens_out: e.tokensOut,
    cache_read_tokens: e.cacheReadTokens ?? 0,
    cache_write_tokens: e.cacheWriteTokens ?? 0,
  };
  for (const [field, value] of Object.entries(counts)) {
    if (!Number.isSafeInteger(value) || value < 0)
      return { kind: 'reject', reason: `${field} must be a non-negative integer (got ${value})` };
    if (value > limits.maxTokensPerEvent)
      return {
        kind: 'reject',
        reason: `${field} ${value} exceeds the per-event limit of ${limits.maxTokensPerEvent} (MP_BILLING_MAX_TOKENS_PER_EVENT)`,
      };
  }
  return {
    kind: 'line',
    line: {
      source: 'agent',
      eventId: e.eventId,
      tenantId: e.tenantId.toLowerCase(),
      occurredAt: e.timestamp!,
      userId: e.userId ? e.userId.toLowerCase() : null,
      jobId: e.jobId,
      agentRole: e.agentRole,
      model: e.model ?? '',
      environment: '',
      inputTokens: BigInt(counts.tokens_in),
      outputTokens: BigInt(counts.tokens_out),
      cacheReadTokens: BigInt(counts.cache_read_tokens),
      cacheWriteTokens: BigInt(counts.cache_write_tokens),
      gpuMs: 0n,
    },
  };
}

function environmentKey(env: Environment): string {
  return environmentName(env) ?? `environment-${env}`;
}

/** Terminal executions (SUCCEEDED, FAILED, STOPPED) are billed; other status changes are skipped. */
export function lineFromExecutionEvent(e: ExecutionEvent, limits: UsageLimits, now: Date): Conversion {
  if (!TERMINAL.has(e.status)) return { kind: 'skip' };
  const late = timestampProblem(e.timestamp, limits, now);
  if (late) return { kind: 'reject', reason: late };
  if (!Number.isFinite(e.gpuSeconds) || e.gpuSeconds < 0)
    return { kind: 'reject', reason: `gpu_seconds must be a finite number >= 0 (got ${e.gpuSeconds})` };
  if (e.gpuSeconds > limits.maxGpuSecondsPerEvent)
    return {
      kind: 'reject',
      reason: `gpu_seconds ${e.gpuSeconds} exceeds the per-event limit of ${limits.maxGpuSecondsPerEvent} (MP_BILLING_MAX_GPU_SECONDS)`,
    };
  return {
    kind: 'line',
    line: {
      source: 'execution',
      eventId: e.eventId,
      tenantId: e.tenantId.toLowerCase(),
      occurredAt: e.timestamp!,
      userId: e.userId ? e.userId.toLowerCase() : null,
      jobId: e.jobId,
      agentRole: e.agentRole ?? '',
      model: '',
      environment: environmentKey(e.environment),
      inputTokens: 0n,
      outputTokens: 0n,
      cacheReadTokens: 0n,
      cacheWriteTokens: 0n,
      gpuMs: gpuSecondsToMillis(e.gpuSeconds),
    },
  };
}

const ZERO: Omit<LineCosts, 'rateVersion' | 'cost'> = {
  inputCost: 0n,
  outputCost: 0n,
  cacheReadCost: 0n,
  cacheWriteCost: 0n,
  gpuCost: 0n,
};

function hasQuantity(l: UsageLine): boolean {
  return (
    l.inputTokens > 0n ||
    l.outputTokens > 0n ||
    l.cacheReadTokens > 0n ||
    l.cacheWriteTokens > 0n ||
    l.gpuMs > 0n
  );
}

/**
 * The line's costs at the rate in force at its timestamp. A line with no rate is unpriced (cost null)
 * unless it has nothing to price (every quantity zero: cost 0).
 */
export function priceLine(line: UsageLine, book: PriceBook): LineCosts {
  if (line.source === 'agent') {
    const rate = line.model ? book.modelRateAt(line.model, line.occurredAt) : undefined;
    if (!rate?.model) return { rateVersion: null, ...ZERO, cost: hasQuantity(line) ? null : 0n };
    const costs = {
      inputCost: tokenCost(line.inputTokens, rate.model.input),
      outputCost: tokenCost(line.outputTokens, rate.model.output),
      cacheReadCost: tokenCost(line.cacheReadTokens, rate.model.cacheRead),
      cacheWriteCost: tokenCost(line.cacheWriteTokens, rate.model.cacheWrite),
      gpuCost: 0n,
    };
    return {
      rateVersion: rate.version,
      ...costs,
      cost: costs.inputCost + costs.outputCost + costs.cacheReadCost + costs.cacheWriteCost,
    };
  }
  const rate = book.gpuRateAt(line.environment, line.occurredAt);
  if (rate?.gpuHour === undefined) return { rateVersion: null, ...ZERO, cost: hasQuantity(line) ? null : 0n };
  const cost = gpuCost(line.gpuMs, rate.gpuHour);
  return { rateVersion: rate.version, ...ZERO, gpuCost: cost, cost };
}
