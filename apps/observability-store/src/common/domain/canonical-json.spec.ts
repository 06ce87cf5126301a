import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson (RFC 8785)', () => {
  it('should sort keys by UTF-16 code units at every depth when objects are nested', () => {
    expect(
      canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null }, A: true, é: 'x', '10': 0, '9': 0 }),
    ).toBe('{"10":0,"9":0,"A":true,"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1,"é":"x"}');
  });

  it('should give the same text when the same object is built in another key order', () => {
    expect(canonicalJson({ x: 1, y: [1, { b: 2, a: 1 }] })).toBe(
      canonicalJson({ y: [1, { a: 1, b: 2 }], x: 1 }),
    );
  });

  it('should write numbers the way JSON.stringify does, -0 as 0 and non-finite as null', () => {
    expect(canonicalJson([1e21, 1e-7, 0.1 + 0.2, -0, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY])).toBe(
      '[1e+21,1e-7,0.30000000000000004,0,9007199254740992,null,null]',
    );
  });

  it('should escape strings like JSON.stringify when they hold quotes, control characters and lone surrogates', () => {
    const s = 'q"b\\c\u0001\n\t\u007f\ud800ü🚀';
    expect(canonicalJson(s)).toBe(JSON.stringify(s));
    expect(JSON.parse(canonicalJson({ s }))).toEqual({ s });
  });

  it('should drop undefined members and write undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('should write dates as ISO strings', () => {
    expect(canonicalJson({ at: new Date('2026-12-04T10:11:12.345Z') })).toBe(
      '{"at":"2026-12-04T10:11:12.345Z"}',
    );
  });
});
