// The production bundle (node dist/main.js) in a child process, for what only a real process shows:
// SIGKILL in the middle of work, a restart, the benchmark. Built with Nx (cached when up to date).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

export const APP_DIR = join(import.meta.dirname, '../..');
const REPO_ROOT = join(APP_DIR, '../..');
const LISTENING = /listening on http:\/\/[^:]+:(\d+)/;

/** Builds the service and the libraries it uses into dist/ (a cache hit when nothing changed). */
export function buildBundle(): void {
  const build = spawnSync(
    'npx',
    ['nx', 'run', '@auraison/observability-store:build', '--output-style=static'],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  if (build.status !== 0)
    throw new Error(`building observability-store failed:\n${build.stdout}${build.stderr}`);
}

/** Runs `node dist/migrate.js`; throws with its output when it fails. */
export function migrate(env: NodeJS.ProcessEnv): void {
  const run = spawnSync(process.execPath, [join(APP_DIR, 'dist/migrate.js')], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`migration failed: ${run.stdout}${run.stderr}`);
}

export interface ChildService {
  child: ChildProcess;
  port: number;
  url: string;
  output: string[];
  /** SIGKILL: no shutdown, no acks flushed, connections dropped. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
}

export async function startChild(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ChildService> {
  const child = spawn(process.execPath, [join(APP_DIR, 'dist/main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening" line within ${timeoutMs} ms:\n${output.join('\n')}`)),
      timeoutMs,
    );
    let pending = '';
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        const m = LISTENING.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${output.join('\n')}`));
    });
  });
  const exited = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  };
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output,
    kill: async () => {
      child.kill('SIGKILL');
      await exited();
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited();
      return child.exitCode;
    },
  };
}
