import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, toPage } from './page.js';

describe('keyset pages', () => {
  it('should decode the cursor it encoded when the shape matches', () => {
    const key = ['2026-12-04T10:11:12.345678Z', 42, 3];
    expect(decodeCursor(encodeCursor(key), ['timestamp', 'int', 'int'])).toEqual(key);
  });

  it.each([
    ['not base64 !', ['int']],
    [Buffer.from('{"a":1}').toString('base64url'), ['int']],
    [encodeCursor(['2026-12-04T10:11:12Z', 1]), ['timestamp', 'int']],
    [encodeCursor([1.5]), ['int']],
    [encodeCursor([-1]), ['int']],
    [encodeCursor(['x', 1]), ['timestamp', 'int']],
    [encodeCursor([1, 2]), ['int']],
  ] as const)('should refuse %s', (cursor, shape) => {
    expect(decodeCursor(cursor, shape)).toBeUndefined();
  });

  it('should cut at the limit and point the cursor at the last item when there is more', () => {
    const page = toPage(
      [1, 2, 3],
      { limit: 2 },
      (n) => [n],
      (n) => n * 10,
    );
    expect(page.items).toEqual([10, 20]);
    expect(decodeCursor(page.nextCursor!, ['int'])).toEqual([2]);
    expect(
      toPage(
        [1, 2],
        { limit: 2 },
        (n) => [n],
        (n) => n,
      ).nextCursor,
    ).toBeNull();
  });
});
