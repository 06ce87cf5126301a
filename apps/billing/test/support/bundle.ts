// Billing's production bundle as child processes (node apps/billing/dist/main.js), for tests that need
// what only separate processes give: SIGKILL in the middle of a batch. The bundle is rebuilt with swc
// when any source file is newer than it (about a second); the libraries' bundles must exist
// (`npm test` and `npm run build` build them).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const APP_DIR = join(import.meta.dirname, '../..');
const ROOT = join(APP_DIR, '../..');
const DIST = join(APP_DIR, 'dist');
export const MAIN = join(DIST, 'main.js');
export const MIGRATE = join(DIST, 'migrate.js');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Makes sure dist/ holds a bundle of the current sources; throws when the libraries are not built. */
export function ensureBundle(): void {
  const libs = [
    'runtime',
    'messaging',
    'persistence',
    'observability',
    'auth',
    'contracts',
    'config',
    'tenancy',
  ];
  const missing = libs.filter((l) => !existsSync(join(ROOT, 'libs', l, 'dist/index.js')));
  if (missing.length > 0)
    throw new Error(`libraries not built (${missing.join(', ')}): run \`npm run build\` first`);
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newest(join(APP_DIR, 'src'))) return;
  const build = spawnSync(
    join(ROOT, 'node_modules/.bin/swc'),
    ['src', '-d', 'dist', '--strip-leading-paths', '--config-file', '../../.swcrc'],
    { cwd: APP_DIR, encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`building billing failed:\n${build.stdout}${build.stderr}`);
}

export function migrate(env: NodeJS.ProcessEnv): void {
  const result = spawnSync(process.execPath, [MIGRATE], { env, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`billing migrations failed: ${result.stderr}`);
}

export interface ChildReplica {
  readonly child: ChildProcess;
  /** The HTTP port it listens on. */
  readonly port: number;
  /** The last lines it printed (for failure messages). */
  readonly output: string[];
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts a replica and resolves once it listens (its consumers start before that). */
export async function startReplica(env: NodeJS.ProcessEnv): Promise<ChildReplica> {
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening" within 30 s:\n${output.join('\n')}`)),
      30_000,
    );
    const onData = (chunk: Buffer): void => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(chunk.toString());
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`billing exited with ${code} before listening:\n${output.join('\n')}`));
    });
  });
  return {
    child,
    port,
    output,
    kill: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}
