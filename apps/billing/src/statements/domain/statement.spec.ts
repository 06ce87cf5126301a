import { describe, expect, it } from '@jest/globals';
import { periodFromStartDate } from '../../common/domain/period.js';
import {
  productLines,
  statementCsv,
  unpricedLines,
  type ProductFigures,
  type Statement,
  type UnpricedFigures,
} from './statement.js';

const zero = {
  inputTokens: 0n,
  outputTokens: 0n,
  cacheReadTokens: 0n,
  cacheWriteTokens: 0n,
  gpuMs: 0n,
  inputCost: 0n,
  outputCost: 0n,
  cacheReadCost: 0n,
  cacheWriteCost: 0n,
  gpuCost: 0n,
};

describe('statements', () => {
  it('should list only the priced quantities when part of the usage is unpriced', () => {
    const models: ProductFigures[] = [
      {
        ...zero,
        key: 'claude-sonnet-4-5',
        inputTokens: 1000n,
        inputCost: 3000n,
        outputTokens: 10n,
        outputCost: 150n,
      },
      { ...zero, key: 'mystery', inputTokens: 50n },
    ];
    const envs: ProductFigures[] = [
      { ...zero, key: 'torch.dev.gpu', gpuMs: 3_600_000n, gpuCost: 2_500_000n },
    ];
    const unpriced = new Map<string, UnpricedFigures>([
      ['mystery', { key: 'mystery', lines: 1, ...zero, inputTokens: 50n }],
    ]);
    expect(productLines(models, envs, unpriced, new Map())).toEqual([
      { item: 'claude-sonnet-4-5', unit: 'input_tokens', quantity: 1000n, amount: 3000n },
      { item: 'claude-sonnet-4-5', unit: 'output_tokens', quantity: 10n, amount: 150n },
      { item: 'torch.dev.gpu', unit: 'gpu_seconds', quantity: 3_600_000n, amount: 2_500_000n },
    ]);
    expect(unpricedLines(unpriced, new Map())).toEqual([
      { item: 'mystery', unit: 'input_tokens', quantity: 50n, lines: 1 },
    ]);
  });

  it('should quote cells and defuse spreadsheet formulas when rendering CSV', () => {
    const s: Statement = {
      tenantId: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
      tenantSlug: 'acme',
      tenantName: 'Acme',
      period: periodFromStartDate('2026-11-01'),
      generatedAt: new Date('2026-12-04T00:00:00Z'),
      events: 2n,
      lines: [{ item: 'torch.dev.gpu', unit: 'gpu_seconds', quantity: 1500n, amount: 1_041_667n }],
      usageSubtotal: 1_041_667n,
      adjustments: [
        {
          repriceId: 3,
          createdAt: new Date('2026-12-02T00:00:00Z'),
          requestedBy: 'admin',
          reason: '=HYPERLINK("x"), contract rate',
          priceBookVersion: 12,
          linesAdjusted: 1,
          amount: -41_667n,
        },
      ],
      adjustmentsTotal: -41_667n,
      total: 1_000_000n,
      unpriced: [{ item: '=cmd|calc', unit: 'input_tokens', quantity: 5n, lines: 1 }],
    };
    const rows = statementCsv(s).trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      'tenant_id,tenant_slug,period,period_start,period_end,section,item,unit,quantity,amount_usd',
    );
    expect(rows[1]).toContain(',usage,torch.dev.gpu,gpu_seconds,1.500,1.041667');
    expect(rows[3]).toContain(`,adjustment,"re-pricing 3: =HYPERLINK(""x""), contract rate",,1,-0.041667`);
    expect(rows[5]).toMatch(/,total,,,,1\.000000$/);
    expect(rows[6]).toContain(`,unpriced,'=cmd|calc,input_tokens,5,`);
  });
});
