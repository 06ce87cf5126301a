import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { forEachLine, LineSplitter, RecentLines } from './line-splitter.js';

describe('LineSplitter', () => {
  it('returns whole lines and keeps the unfinished tail for the next chunk', () => {
    const s = new LineSplitter();
    expect(s.push('first\nsec')).toEqual(['first']);
    expect(s.push('ond\nthi')).toEqual(['second']);
    expect(s.push('rd')).toEqual([]);
    expect(s.push('\n')).toEqual(['third']);
    expect(s.flush()).toEqual([]);
  });

  it('splits several lines in one chunk, keeping empty lines', () => {
    const s = new LineSplitter();
    expect(s.push('a\n\nb\nc\n')).toEqual(['a', '', 'b', 'c']);
  });

  it('flushes an unterminated last line at end of stream', () => {
    const s = new LineSplitter();
    expect(s.push('done\nno newline')).toEqual(['done']);
    expect(s.flush()).toEqual(['no newline']);
    expect(s.flush()).toEqual([]);
  });

  it('strips CR of CRLF line endings, even when split between chunks', () => {
    const s = new LineSplitter();
    expect(s.push('windows\r')).toEqual([]);
    expect(s.push('\nnext\r\n')).toEqual(['windows', 'next']);
  });

  it('reassembles a UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('naïve ✓\n', 'utf8');
    const s = new LineSplitter();
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i++) out.push(...s.push(bytes.subarray(i, i + 1)));
    expect(out).toEqual(['naïve ✓']);
  });
});

describe('forEachLine', () => {
  it('reports every line of a stream, including the last unterminated one', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    forEachLine(stream, (l) => lines.push(l));
    stream.write('{"level":30,');
    stream.write('"msg":"a"}\nplain');
    stream.end(' tail');
    await new Promise((resolve) => stream.on('end', resolve));
    expect(lines).toEqual(['{"level":30,"msg":"a"}', 'plain tail']);
  });
});

describe('RecentLines', () => {
  it('keeps only the most recent lines', () => {
    const r = new RecentLines(2);
    r.add('1');
    r.add('2');
    r.add('3');
    expect(r.get()).toEqual(['2', '3']);
  });
});
