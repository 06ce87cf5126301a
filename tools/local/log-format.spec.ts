import { describe, expect, it } from '@jest/globals';
import { formatLogLine } from './log-format.js';

const plain = { colour: false, pretty: true };
const time = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();

describe('formatLogLine', () => {
  it('renders a pino record on one line: time, level, context, message, extra fields', () => {
    const line = JSON.stringify({
      level: 30,
      time,
      pid: 123,
      hostname: 'box',
      service: 'billing',
      context: 'RouterExplorer',
      msg: 'Mapped {/readyz, GET} route',
      port: 3004,
    });
    expect(formatLogLine(line, plain)).toBe(
      '03:04:05.006 INFO  [RouterExplorer] Mapped {/readyz, GET} route port=3004',
    );
  });

  it('names the level, also when given as a string', () => {
    expect(formatLogLine(JSON.stringify({ level: 40, msg: 'careful' }), plain)).toBe('WARN  careful');
    expect(formatLogLine(JSON.stringify({ level: 'error', msg: 'bad' }), plain)).toBe('ERROR bad');
  });

  it('shows an error with its type, message and top stack frame', () => {
    const line = JSON.stringify({
      level: 50,
      msg: 'consumer failed',
      err: {
        type: 'TypeError',
        message: 'x is undefined',
        stack: 'TypeError: x is undefined\n    at run (file.js:1:2)\n    at y',
      },
    });
    expect(formatLogLine(line, plain)).toBe(
      'ERROR consumer failed err=TypeError: x is undefined (at run (file.js:1:2))',
    );
  });

  it('quotes strings with spaces and never truncates strings (a printed key stays whole)', () => {
    const key = `mpk_${'a'.repeat(400)}`;
    const line = JSON.stringify({ level: 30, msg: 'bootstrap admin key', key, note: 'shown once' });
    expect(formatLogLine(line, plain)).toBe(`INFO  bootstrap admin key key=${key} note="shown once"`);
  });

  it('truncates long object values', () => {
    const big = { list: Array.from({ length: 200 }, (_, i) => i) };
    const out = formatLogLine(JSON.stringify({ level: 30, msg: 'm', big }), plain);
    expect(out.length).toBeLessThan(340);
    expect(out.endsWith('…')).toBe(true);
  });

  it('passes non-records through unchanged', () => {
    for (const line of [
      'Bootstrap admin API key: mpk_123',
      '{not json}',
      '{"no":"level or msg"}',
      '[1,2]',
      '',
      '   indented plain text',
    ])
      expect(formatLogLine(line, plain)).toBe(line);
  });

  it('returns records raw when pretty printing is off', () => {
    const line = JSON.stringify({ level: 30, msg: 'hi' });
    expect(formatLogLine(line, { colour: false, pretty: false })).toBe(line);
  });

  it('colours the level when asked', () => {
    expect(formatLogLine(JSON.stringify({ level: 50, msg: 'x' }), { colour: true, pretty: true })).toContain(
      '\u001b[31mERROR\u001b[39m',
    );
  });
});
