import { describe, expect, it } from '@jest/globals';
import { gpuCost, tokenCost } from './pricing.js';
import { modelAlias, PriceBook, type PriceVersion } from './price-book.js';

let next = 1;
function model(key: string, from: string, input: bigint, extra: Partial<PriceVersion> = {}): PriceVersion {
  return {
    version: next++,
    kind: 'model',
    key,
    effectiveFrom: new Date(from),
    model: { input, output: input * 5n, cacheRead: input / 10n, cacheWrite: (input * 5n) / 4n },
    withdrawn: false,
    createdAt: new Date(),
    createdBy: 'test',
    reason: 'test',
    ...extra,
  };
}

describe('price book', () => {
  it('should answer the rate in force when asked for a time, and none before the first', () => {
    const a = model('m', '2026-01-01T00:00:00Z', 3_000_000n);
    const b = model('m', '2026-03-15T12:00:00Z', 2_000_000n);
    const book = new PriceBook([b, a]);
    expect(book.modelRateAt('m', new Date('2025-12-31T23:59:59Z'))).toBeUndefined();
    expect(book.modelRateAt('m', new Date('2026-03-15T11:59:59.999Z'))?.version).toBe(a.version);
    expect(book.modelRateAt('m', new Date('2026-03-15T12:00:00Z'))?.version).toBe(b.version);
    expect(book.version).toBe(b.version);
  });

  it('should replace an entry when a later version sets the same instant, and drop it when withdrawn', () => {
    const first = model('m', '2026-01-01T00:00:00Z', 3_000_000n);
    const correction = model('m', '2026-01-01T00:00:00Z', 2_500_000n);
    const later = model('m', '2026-06-01T00:00:00Z', 1_000_000n);
    const withdrawal: PriceVersion = {
      ...later,
      version: next++,
      model: undefined,
      withdrawn: true,
    };
    const book = new PriceBook([first, correction, later, withdrawal]);
    expect(book.modelRateAt('m', new Date('2026-07-01T00:00:00Z'))?.version).toBe(correction.version);
    expect(book.schedule('model', 'm').map((v) => v.version)).toEqual([correction.version]);
    expect(book.get(first.version)?.model?.input).toBe(3_000_000n);
  });

  it('should use the undated alias when a dated model snapshot has no rate of its own', () => {
    const alias = model('claude-sonnet-4-5', '2024-01-01T00:00:00Z', 3_000_000n);
    const exact = model('claude-sonnet-4-5-20990101', '2024-01-01T00:00:00Z', 1_000_000n);
    const book = new PriceBook([alias, exact]);
    const t = new Date('2026-01-01T00:00:00Z');
    expect(book.modelRateAt('claude-sonnet-4-5-20250929', t)?.version).toBe(alias.version);
    expect(book.modelRateAt('claude-sonnet-4-5-20990101', t)?.version).toBe(exact.version);
    expect(book.modelRateAt('claude-unknown', t)).toBeUndefined();
    expect(modelAlias('claude-sonnet-4-5')).toBeUndefined();
  });

  it('should round halves up when pricing tokens per million and GPU time per hour in integers', () => {
    expect(tokenCost(1200n, 3_000_000n)).toBe(3600n);
    expect(tokenCost(1n, 300_000n)).toBe(0n); // 0.3 micro-USD
    expect(tokenCost(2n, 250_000n)).toBe(1n); // 0.5 micro-USD rounds up
    expect(tokenCost(1_000_000n, 15_000_000n)).toBe(15_000_000n);
    expect(gpuCost(3_600_000n, 2_500_000n)).toBe(2_500_000n); // one GPU-hour
    expect(gpuCost(1n, 1_800_000n)).toBe(1n); // 0.5 micro-USD
    expect(gpuCost(1n, 1_799_999n)).toBe(0n);
  });
});
