// A tenant's statement for a closed billing period: product lines (per model and token class, per
// environment's GPU time), the re-pricing adjustments, the total, and what is still unpriced. Built from
// the period's aggregates; pure (no I/O), so the CSV and JSON forms show the same figures.
import { formatThousandths, formatUsd } from '../../common/domain/money.js';
import type { BillingPeriod } from '../../common/domain/period.js';

export type StatementUnit =
  'input_tokens' | 'output_tokens' | 'cache_read_tokens' | 'cache_write_tokens' | 'gpu_seconds';

export interface StatementLine {
  /** Model id (token units) or environment name (gpu_seconds). */
  item: string;
  unit: StatementUnit;
  /** Priced quantity: tokens, or GPU-milliseconds for gpu_seconds. */
  quantity: bigint;
  amount: bigint;
}

export interface StatementAdjustment {
  repriceId: number;
  createdAt: Date;
  requestedBy: string;
  reason: string;
  priceBookVersion: number;
  linesAdjusted: number;
  amount: bigint;
}

export interface StatementUnpriced {
  item: string;
  unit: StatementUnit;
  quantity: bigint;
  lines: number;
}

export interface Statement {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  period: BillingPeriod;
  generatedAt: Date;
  events: bigint;
  lines: StatementLine[];
  usageSubtotal: bigint;
  adjustments: StatementAdjustment[];
  adjustmentsTotal: bigint;
  total: bigint;
  unpriced: StatementUnpriced[];
}

/** Per model (or environment): quantities and costs per class, from the aggregates. */
export interface ProductFigures {
  key: string;
  inputTokens: bigint;
  outputTokens: bigint;
  cacheReadTokens: bigint;
  cacheWriteTokens: bigint;
  gpuMs: bigint;
  inputCost: bigint;
  outputCost: bigint;
  cacheReadCost: bigint;
  cacheWriteCost: bigint;
  gpuCost: bigint;
}

/** Unpriced quantities per model (or environment). */
export interface UnpricedFigures {
  key: string;
  lines: number;
  inputTokens: bigint;
  outputTokens: bigint;
  cacheReadTokens: bigint;
  cacheWriteTokens: bigint;
  gpuMs: bigint;
}

const TOKEN_CLASSES = [
  ['input_tokens', 'inputTokens', 'inputCost'],
  ['output_tokens', 'outputTokens', 'outputCost'],
  ['cache_read_tokens', 'cacheReadTokens', 'cacheReadCost'],
  ['cache_write_tokens', 'cacheWriteTokens', 'cacheWriteCost'],
] as const;

/** Product lines: priced quantity (all usage minus the unpriced part) and its amount, zero lines left out. */
export function productLines(
  models: readonly ProductFigures[],
  environments: readonly ProductFigures[],
  unpricedModels: ReadonlyMap<string, UnpricedFigures>,
  unpricedEnvironments: ReadonlyMap<string, UnpricedFigures>,
): StatementLine[] {
  const lines: StatementLine[] = [];
  for (const m of models) {
    const u = unpricedModels.get(m.key);
    for (const [unit, quantity, cost] of TOKEN_CLASSES) {
      const priced = m[quantity] - (u?.[quantity] ?? 0n);
      if (priced > 0n || m[cost] !== 0n) lines.push({ item: m.key, unit, quantity: priced, amount: m[cost] });
    }
  }
  for (const e of environments) {
    const priced = e.gpuMs - (unpricedEnvironments.get(e.key)?.gpuMs ?? 0n);
    if (priced > 0n || e.gpuCost !== 0n)
      lines.push({ item: e.key, unit: 'gpu_seconds', quantity: priced, amount: e.gpuCost });
  }
  return lines;
}

export function unpricedLines(
  models: ReadonlyMap<string, UnpricedFigures>,
  environments: ReadonlyMap<string, UnpricedFigures>,
): StatementUnpriced[] {
  const out: StatementUnpriced[] = [];
  for (const u of models.values())
    for (const [unit, quantity] of TOKEN_CLASSES)
      if (u[quantity] > 0n)
        out.push({ item: u.key || '(no model)', unit, quantity: u[quantity], lines: u.lines });
  for (const u of environments.values())
    if (u.gpuMs > 0n) out.push({ item: u.key, unit: 'gpu_seconds', quantity: u.gpuMs, lines: u.lines });
  return out;
}

export function formatQuantity(unit: StatementUnit, quantity: bigint): string {
  return unit === 'gpu_seconds' ? formatThousandths(quantity) : quantity.toString();
}

// A text cell starting with one of these would be a formula in a spreadsheet (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: string, text = true): string {
  const safe = text && FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const CSV_HEADER = [
  'tenant_id',
  'tenant_slug',
  'period',
  'period_start',
  'period_end',
  'section',
  'item',
  'unit',
  'quantity',
  'amount_usd',
];

/** RFC 4180 CSV: one row per product line, adjustment, unpriced item, and subtotal/total rows. */
export function statementCsv(s: Statement): string {
  const fixed = [
    s.tenantId,
    s.tenantSlug,
    s.period.label,
    s.period.start.toISOString(),
    s.period.end.toISOString(),
  ];
  const row = (section: string, item: string, unit: string, quantity: string, amount: string): string =>
    [
      ...fixed.map((v) => cell(v)),
      cell(section),
      cell(item),
      cell(unit),
      cell(quantity, false),
      cell(amount, false),
    ].join(',');
  const rows = [CSV_HEADER.join(',')];
  for (const l of s.lines)
    rows.push(row('usage', l.item, l.unit, formatQuantity(l.unit, l.quantity), formatUsd(l.amount)));
  rows.push(row('subtotal', 'usage', '', '', formatUsd(s.usageSubtotal)));
  for (const a of s.adjustments)
    rows.push(
      row(
        'adjustment',
        `re-pricing ${a.repriceId}: ${a.reason}`,
        '',
        String(a.linesAdjusted),
        formatUsd(a.amount),
      ),
    );
  rows.push(row('subtotal', 'adjustments', '', '', formatUsd(s.adjustmentsTotal)));
  rows.push(row('total', '', '', '', formatUsd(s.total)));
  for (const u of s.unpriced)
    rows.push(row('unpriced', u.item, u.unit, formatQuantity(u.unit, u.quantity), ''));
  return `${rows.join('\r\n')}\r\n`;
}
