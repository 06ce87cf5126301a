import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger, PinoNestLogger } from './logger.js';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logger', () => {
  it('should write one JSON object per line with the service and level names', () => {
    const out = capture();
    createLogger({ service: 'billing', destination: out.stream }).info({ jobs: 3 }, 'ledger caught up');
    const [line] = out.lines();
    expect(line).toMatchObject({ service: 'billing', level: 'info', jobs: 3, msg: 'ledger caught up' });
    expect(typeof line!.time).toBe('string');
  });

  it('should redact secrets wherever they appear in a logged object', () => {
    const out = capture();
    const logger = createLogger({ service: 'tenant-registry', destination: out.stream });
    logger.info(
      { apiKey: 'mp_live_secret', headers: { authorization: 'Bearer eyJ.x.y' }, user: { password: 'p' } },
      'x',
    );
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain('mp_live_secret');
    expect(text).not.toContain('eyJ.x.y');
    expect(text).not.toMatch(/"password":"p"/);
    expect(text).toContain('[redacted]');
  });

  it('should map Nest log calls with context and stack', () => {
    const out = capture();
    const nest = new PinoNestLogger(createLogger({ service: 's', destination: out.stream }));
    nest.log('started', 'NestApplication');
    nest.error('boom', 'Error: boom\n    at x', 'Handler');
    const [info, error] = out.lines();
    expect(info).toMatchObject({ level: 'info', msg: 'started', context: 'NestApplication' });
    expect(error).toMatchObject({
      level: 'error',
      msg: 'boom',
      context: 'Handler',
      stack: 'Error: boom\n    at x',
    });
  });

  it('should honour the log levels Nest asks for', () => {
    const out = capture();
    const nest = new PinoNestLogger(createLogger({ service: 's', destination: out.stream }));
    nest.setLogLevels(['warn', 'error']);
    nest.log('hidden');
    nest.warn('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });
});
