import { describe, expect, it } from '@jest/globals';
import { chunkSizes } from './history-writer.js';

describe('chunkSizes', () => {
  it.each([
    [0, []],
    [1, [1]],
    [500, [256, 128, 64, 32, 16, 4]],
    [513, [256, 256, 1]],
    [2000, [256, 256, 256, 256, 256, 256, 256, 128, 64, 16]],
  ])('should cover %i rows with power-of-two statements of at most 256', (n, sizes) => {
    expect(chunkSizes(n)).toEqual(sizes);
    expect(chunkSizes(n).reduce((a, b) => a + b, 0)).toBe(n);
  });
});
