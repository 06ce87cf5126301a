import { spawn } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { capture, formatDuration, isAlive, run, terminate } from './processes.js';

describe('formatDuration', () => {
  it('prints milliseconds, seconds, then minutes', () => {
    expect(formatDuration(420)).toBe('420ms');
    expect(formatDuration(12_345)).toBe('12.3s');
    expect(formatDuration(119_600)).toBe('2m00s');
    expect(formatDuration(61_000)).toBe('1m01s');
  });
});

describe('run and capture', () => {
  it('report exit codes and output', async () => {
    expect((await run(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' })).code).toBe(3);
    const out = await capture(process.execPath, ['-e', 'console.log("out"); console.error("err")']);
    expect(out.code).toBe(0);
    expect(out.output).toContain('out');
    expect(out.output).toContain('err');
  });
});

describe('terminate', () => {
  it('stops a process with SIGTERM', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    expect(await terminate(child, { timeoutMs: 5000 })).toBe('exited');
    expect(child.signalCode).toBe('SIGTERM');
  });

  it('kills a process that ignores SIGTERM after the timeout', async () => {
    const child = spawn(
      process.execPath,
      ['-e', 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    await new Promise((resolve) => child.stdout.once('data', resolve));
    let warned = false;
    expect(await terminate(child, { timeoutMs: 300, onKill: () => (warned = true) })).toBe('killed');
    expect(warned).toBe(true);
    expect(isAlive(child.pid!)).toBe(false);
  });

  it('stops a process known only by its pid', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    expect(await terminate(child.pid!, { timeoutMs: 5000 })).toBe('exited');
    expect(await terminate(child.pid!, { timeoutMs: 5000 })).toBe('gone');
  });
});
