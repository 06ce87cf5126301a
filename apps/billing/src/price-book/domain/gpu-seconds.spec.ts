import { describe, expect, it } from '@jest/globals';
import { gpuSecondsToMillis } from './gpu-seconds.js';

describe('gpu_seconds to GPU-milliseconds', () => {
  it.each([
    [3600, 3_600_000n],
    [0, 0n],
    [0.1, 100n],
    [1.0005, 1001n], // binary 1.000499999...: the decimal the producer wrote rounds up
    [0.0015, 2n],
    [0.0004, 0n],
    [0.0005, 1n],
    [1e-7, 0n],
    [123456.789, 123_456_789n],
    [1e21, 1_000_000_000_000_000_000_000_000n],
  ])('should convert %p exactly when rounding to whole milliseconds, halves up', (seconds, millis) => {
    expect(gpuSecondsToMillis(seconds)).toBe(millis);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, -1, -0.0001])(
    'should refuse %p when it is not a finite number >= 0',
    (seconds) => {
      expect(() => gpuSecondsToMillis(seconds)).toThrow(RangeError);
    },
  );
});
