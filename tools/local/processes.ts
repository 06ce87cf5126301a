// Process helpers shared by the launchers: run a command to completion, stop a process politely and
// then firmly, and tell whether a pid is still alive.
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command line (Linux /proc), or '' when unknown. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves true once the process is gone, false on timeout. */
export async function waitForExit(target: ChildProcess | number, timeoutMs: number): Promise<boolean> {
  if (typeof target !== 'number') {
    if (hasExited(target)) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        target.off('exit', onExit);
        resolve(false);
      }, timeoutMs);
      const onExit = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      target.once('exit', onExit);
    });
  }
  // Not our child (adopted from an earlier launcher): poll.
  const deadline = Date.now() + timeoutMs;
  while (isAlive(target)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

export interface TerminateOptions {
  /** First signal; SIGKILL follows after timeoutMs. */
  signal?: NodeJS.Signals;
  timeoutMs?: number;
  /** Told when the polite signal was not enough. */
  onKill?: () => void;
}

/** Sends `signal`, waits, then SIGKILL. Returns how it ended. */
export async function terminate(
  target: ChildProcess | number,
  options: TerminateOptions = {},
): Promise<'exited' | 'killed' | 'gone'> {
  const { signal = 'SIGTERM', timeoutMs = 10_000 } = options;
  const pid = typeof target === 'number' ? target : target.pid;
  if (pid === undefined) return 'gone';
  if (typeof target === 'number' ? !isAlive(pid) : hasExited(target)) return 'gone';
  if (!sendSignal(pid, signal)) return 'gone';
  if (await waitForExit(target, timeoutMs)) return 'exited';
  options.onKill?.();
  sendSignal(pid, 'SIGKILL');
  await waitForExit(target, 5_000);
  return 'killed';
}

export function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

export interface RunResult {
  code: number;
  signal: NodeJS.Signals | null;
}

/**
 * Runs a command (argument array, no shell) to completion. `onSpawn` receives the child so a
 * caller can forward signals to it while it runs.
 */
export async function run(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { onSpawn?: (child: ChildProcess) => void } = {},
): Promise<RunResult> {
  const { onSpawn, ...spawnOptions } = options;
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...spawnOptions });
    onSpawn?.(child);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      resolve({ code: code ?? (signal ? 128 + signalNumber(signal) : 1), signal });
    });
  });
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
};

export function signalNumber(signal: NodeJS.Signals): number {
  return SIGNAL_NUMBERS[signal] ?? 1;
}

// Last-resort cleanup: if a launcher exits without calling stop() (an uncaught error), the servers
// it started would outlive it. Killing them synchronously on 'exit' is all that is possible there.
const exitKills = new Map<number, NodeJS.Signals>();
let exitHookInstalled = false;

export function killOnExit(pid: number, signal: NodeJS.Signals): void {
  exitKills.set(pid, signal);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [p, s] of exitKills) sendSignal(p, s);
  });
}

export function forgetOnExit(pid: number): void {
  exitKills.delete(pid);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const total = Math.round(s);
  return `${Math.floor(total / 60)}m${(total % 60).toString().padStart(2, '0')}s`;
}

/** Runs a command (no shell) and collects its combined output. */
export async function capture(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<RunResult & { output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => chunks.push(c));
    child.stderr?.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      resolve({ code: code ?? 1, signal, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}
