// Response shapes of the usage endpoints: breakdowns by dimension, and a job's ledger rows unpivoted
// into one line per event and unit.
import { formatThousandths, formatUsd } from '../../common/domain/money.js';
import { periodFromStartDate } from '../../common/domain/period.js';
import type { PriceBook } from '../../price-book/domain/price-book.js';
import type { JobCost, UsageReport } from '../application/read-usage.usecase.js';
import type { Dimension, LedgerRow, UnpricedGroup } from '../persistence/usage.repository.js';
import {
  toFiguresDto,
  toPeriodDto,
  type BreakdownDto,
  type JobCostResponseDto,
  type UnpricedResponseDto,
  type UsageLineDto,
  type UsageResponseDto,
} from './usage.dto.js';

const orNull = (v: string): string | null => (v === '' ? null : v);

export function toUsageResponse(r: UsageReport): UsageResponseDto {
  const breakdown = (d: Exclude<Dimension, 'tenant'>): BreakdownDto => {
    const entry = r.breakdowns.get(d);
    return {
      items: (entry?.rows ?? []).map((row) => ({ key: orNull(row.key), ...toFiguresDto(row) })),
      total_count: entry?.count ?? 0,
    };
  };
  return {
    tenant_id: r.scope.tenantId,
    period: toPeriodDto(r.period),
    currency: 'USD',
    total: toFiguresDto(r.total),
    breakdowns: {
      job: breakdown('job'),
      user: breakdown('user'),
      agent_role: breakdown('agent_role'),
      model: breakdown('model'),
      environment: breakdown('environment'),
    },
  };
}

type TokenUnit = 'input_tokens' | 'output_tokens' | 'cache_read_tokens' | 'cache_write_tokens';

const TOKEN_UNITS: Array<{
  unit: TokenUnit;
  quantity: (r: LedgerRow) => bigint;
  cost: (r: LedgerRow) => bigint;
  rate: 'input' | 'output' | 'cacheRead' | 'cacheWrite';
}> = [
  { unit: 'input_tokens', quantity: (r) => r.inputTokens, cost: (r) => r.inputCost, rate: 'input' },
  { unit: 'output_tokens', quantity: (r) => r.outputTokens, cost: (r) => r.outputCost, rate: 'output' },
  {
    unit: 'cache_read_tokens',
    quantity: (r) => r.cacheReadTokens,
    cost: (r) => r.cacheReadCost,
    rate: 'cacheRead',
  },
  {
    unit: 'cache_write_tokens',
    quantity: (r) => r.cacheWriteTokens,
    cost: (r) => r.cacheWriteCost,
    rate: 'cacheWrite',
  },
];

function unitLines(r: LedgerRow, book: PriceBook): UsageLineDto[] {
  const version = r.rateVersion === null ? undefined : book.get(r.rateVersion);
  const priced = r.cost !== null;
  const base = {
    event_id: r.eventId,
    source: r.source,
    occurred_at: r.occurredAt.toISOString(),
    period: periodFromStartDate(r.periodStart).label,
    user_id: r.userId,
    agent_role: orNull(r.agentRole),
    model: orNull(r.model),
    environment: orNull(r.environment),
    rate_version: r.rateVersion,
  };
  if (r.source === 'execution')
    return [
      {
        ...base,
        unit: 'gpu_seconds',
        quantity: formatThousandths(r.gpuMs),
        rate: version?.gpuHour === undefined ? null : formatUsd(version.gpuHour),
        rate_unit: 'USD per GPU-hour',
        cost: priced ? formatUsd(r.gpuCost) : null,
      },
    ];
  const units = TOKEN_UNITS.filter((u) => u.quantity(r) > 0n);
  return (units.length > 0 ? units : TOKEN_UNITS.slice(0, 1)).map((u) => ({
    ...base,
    unit: u.unit,
    quantity: u.quantity(r).toString(),
    rate: version?.model ? formatUsd(version.model[u.rate]) : null,
    rate_unit: 'USD per million tokens',
    cost: priced ? formatUsd(u.cost(r)) : null,
  }));
}

export function toJobCostResponse(j: JobCost): JobCostResponseDto {
  let tokenCost = 0n;
  let gpuCost = 0n;
  let unpriced = 0;
  for (const r of j.lines) {
    if (r.cost === null) unpriced++;
    tokenCost += r.inputCost + r.outputCost + r.cacheReadCost + r.cacheWriteCost;
    gpuCost += r.gpuCost;
  }
  const adjustments = j.adjustments.reduce((sum, a) => sum + a.delta, 0n);
  return {
    tenant_id: j.tenantId,
    job_id: j.jobId,
    currency: 'USD',
    token_cost: formatUsd(tokenCost),
    gpu_cost: formatUsd(gpuCost),
    adjustments: formatUsd(adjustments),
    cost: formatUsd(tokenCost + gpuCost + adjustments),
    unpriced_lines: unpriced,
    lines: j.lines.flatMap((r) => unitLines(r, j.book)),
    adjustment_lines: j.adjustments.map((a) => ({
      reprice_id: a.repriceId,
      event_id: a.eventId,
      rate_version: a.rateVersion,
      delta: formatUsd(a.delta),
      created_at: a.createdAt.toISOString(),
    })),
  };
}

export function toUnpricedResponse(groups: UnpricedGroup[]): UnpricedResponseDto {
  return {
    items: groups.map((g) => ({
      tenant_id: g.tenantId,
      source: g.source,
      model: g.source === 'agent' ? g.model : null,
      environment: g.source === 'execution' ? g.environment : null,
      lines: g.lines,
      input_tokens: Number(g.inputTokens),
      output_tokens: Number(g.outputTokens),
      cache_read_tokens: Number(g.cacheReadTokens),
      cache_write_tokens: Number(g.cacheWriteTokens),
      gpu_seconds: formatThousandths(g.gpuMs),
      first_at: g.firstAt.toISOString(),
      last_at: g.lastAt.toISOString(),
    })),
    total_lines: groups.reduce((n, g) => n + g.lines, 0),
  };
}
