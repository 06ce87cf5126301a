// Running workspace tools (nx, prettier, tsx) and the shared build and migration phases.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppSpec, appEnv, appPaths } from './apps.js';
import { REPO_ROOT } from './infra-common.js';
import { run, type RunResult } from './processes.js';
import { type TaggedOutput } from './tagged-output.js';

/**
 * `npx <bin> args`, but calling node_modules/.bin/<bin> directly when it is there: one process
 * less between the launcher and the tool, so signals and exit codes travel straight.
 */
export function toolCommand(bin: string, args: readonly string[], root = REPO_ROOT): [string, string[]] {
  const local = join(root, 'node_modules', '.bin', bin);
  return existsSync(local) ? [local, [...args]] : ['npx', [bin, ...args]];
}

export function printableCommand(env: Record<string, string>, bin: string, args: readonly string[]): string {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return [...vars, 'npx', bin, ...args].join(' ');
}

export interface PhaseHooks {
  /** Receives each child so a signal handler can forward to it. */
  onSpawn?: (child: ChildProcess) => void;
  log?: (line: string) => void;
}

/** The nx project name of an app (its package.json name). */
export function projectName(app: AppSpec, root = REPO_ROOT): string {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'apps', app.name, 'package.json'), 'utf8')) as {
      name?: string;
    };
    return pkg.name ?? app.name;
  } catch {
    return app.name;
  }
}

/** Builds the given apps (and, through ^build, the libraries they use), or everything. */
export async function buildApps(
  apps: readonly AppSpec[] | 'all',
  hooks: PhaseHooks = {},
): Promise<RunResult> {
  const args = ['run-many', '-t', 'build', '--output-style=stream'];
  if (apps !== 'all') args.push(`--projects=${apps.map((a) => projectName(a)).join(',')}`);
  const env = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  hooks.log?.(`${printableCommand({ NX_DAEMON: 'false' }, 'nx', args)}`);
  const [cmd, cmdArgs] = toolCommand('nx', args);
  return run(cmd, cmdArgs, { cwd: REPO_ROOT, env: { ...process.env, ...env }, onSpawn: hooks.onSpawn });
}

export interface MigrateInput extends PhaseHooks {
  apps: readonly AppSpec[];
  databaseUrl: string;
  natsUrl: string;
  output: TaggedOutput;
  /** Stop before the next app (a signal arrived). */
  cancelled?: () => boolean;
}

export type MigrateOutcome =
  | { ok: true }
  | { ok: false; app: string; code: number | null; signal: NodeJS.Signals | null; reason?: string };

/** Runs each app's dist/migrate.js in order (tenant-registry first), stopping at the first failure. */
export async function migrateApps(input: MigrateInput): Promise<MigrateOutcome> {
  for (const app of input.apps) {
    if (app.migrates === false) continue;
    if (input.cancelled?.())
      return { ok: false, app: app.name, code: null, signal: 'SIGINT', reason: 'cancelled' };
    const paths = appPaths(REPO_ROOT, app);
    if (!existsSync(paths.migrate))
      return {
        ok: false,
        app: app.name,
        code: null,
        signal: null,
        reason: `${paths.migrate} not found (not built?)`,
      };
    const started = Date.now();
    input.log?.(`migrating ${app.name}`);
    const child = spawn(process.execPath, [paths.migrate], {
      cwd: REPO_ROOT,
      env: appEnv(app, { databaseUrl: input.databaseUrl, natsUrl: input.natsUrl, base: process.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    input.onSpawn?.(child);
    input.output.attach(app.name, child);
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
      (resolve) => {
        child.once('error', (error) => resolve({ code: null, signal: null, error }));
        child.once('close', (code, signal) => resolve({ code, signal }));
      },
    );
    if (result.code !== 0)
      return {
        ok: false,
        app: app.name,
        code: result.code,
        signal: result.signal,
        reason: result.error?.message,
      };
    input.log?.(`${app.name} migrated in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
  return { ok: true };
}
