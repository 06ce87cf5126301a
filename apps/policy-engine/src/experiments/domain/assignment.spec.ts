import { describe, expect, it } from '@jest/globals';
import { assignVariant, validateVariants, type Variant } from './assignment.js';

const variants: Variant[] = [
  { name: 'control', model: 'claude-sonnet-4-5', weight: 3 },
  { name: 'opus', model: 'claude-opus-4-1', weight: 1 },
];

describe('assignVariant', () => {
  it('should give a job the same variant every time', () => {
    const first = assignVariant('exp-1', 'job-42', variants);
    for (let i = 0; i < 5; i++) expect(assignVariant('exp-1', 'job-42', variants)).toBe(first);
  });

  it('should split jobs in proportion to the weights', () => {
    let opus = 0;
    for (let i = 0; i < 20_000; i++) if (assignVariant('exp-1', `job-${i}`, variants).name === 'opus') opus++;
    expect(opus / 20_000).toBeGreaterThan(0.23);
    expect(opus / 20_000).toBeLessThan(0.27);
  });

  it('should assign independently per experiment', () => {
    const differs = Array.from({ length: 200 }, (_, i) => `job-${i}`).some(
      (job) => assignVariant('exp-1', job, variants).name !== assignVariant('exp-2', job, variants).name,
    );
    expect(differs).toBe(true);
  });
});

describe('validateVariants', () => {
  it('should name each problem', () => {
    expect(validateVariants([{ name: 'A', model: 'm', weight: 0 }])).toEqual([
      'variants: an experiment has 2 to 10 variants (got 1)',
      'variants[0].name must match ^[a-z][a-z0-9_.-]{0,63}$',
      'variants[0].weight must be an integer from 1 to 10000',
    ]);
    expect(validateVariants([...variants, { name: 'opus', model: 'm', weight: 1 }])).toEqual([
      'variants[2].name "opus" is used twice',
    ]);
    expect(validateVariants(variants)).toEqual([]);
  });
});
