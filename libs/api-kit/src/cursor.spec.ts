import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, toPage } from './cursor.js';

const position = { createdAt: '2026-01-02T03:04:05.123456Z', id: '0a1b2c3d-4e5f-4a6b-9c8d-0123456789ab' };

describe('page cursors', () => {
  it('should round-trip a position with microseconds', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['a wrong shape', Buffer.from(JSON.stringify({ a: 1 })).toString('base64url')],
    [
      'a millisecond timestamp',
      Buffer.from(JSON.stringify(['2026-01-02T03:04:05.123Z', position.id])).toString('base64url'),
    ],
    ['a non-uuid id', Buffer.from(JSON.stringify([position.createdAt, "1' OR 1=1"])).toString('base64url')],
    ['an oversized value', 'a'.repeat(300)],
  ])('should refuse %s', (_what, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });

  it('should return a next cursor only when a row beyond the limit was fetched', () => {
    const rows = [1, 2, 3].map((n) => ({
      n,
      createdAt: position.createdAt,
      id: position.id.replace(/b$/, String(n)),
    }));
    const full = toPage(
      rows,
      { limit: 2 },
      (r) => r,
      (r) => r.n,
    );
    expect(full.items).toEqual([1, 2]);
    expect(decodeCursor(full.nextCursor!)).toEqual({ createdAt: rows[1]!.createdAt, id: rows[1]!.id });
    const last = toPage(
      rows.slice(0, 2),
      { limit: 2 },
      (r) => r,
      (r) => r.n,
    );
    expect(last).toEqual({ items: [1, 2], nextCursor: null });
  });
});
