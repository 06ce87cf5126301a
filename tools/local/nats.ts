// Finds a NATS server with JetStream: NATS_URL, else the machine's on 4222, else nats-server from
// PATH (installing Debian's package when root and apt-get is there) (DESIGN §8 "Local").
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  clearOwnership,
  defaultLog,
  errorText,
  hostPort,
  InfraError,
  type Log,
  ownedByLiveLauncher,
  portOf,
  readOwnership,
  REPO_ROOT,
  redactUrl,
  tailFile,
  writeOwnership,
} from './infra-common.js';
import { commandLine, forgetOnExit, isAlive, killOnExit, run, terminate } from './processes.js';

export const DEFAULT_LOCAL_NATS_URL = 'nats://127.0.0.1:4222';

export interface NatsOptions {
  /**
   * Read: NATS_URL; MP_LOCAL_NATS_URL (the local server probed, default nats://127.0.0.1:4222;
   * a spawned nats-server listens on its port); MP_LOCAL_NATS_DIR (JetStream store, log and
   * ownership file of a spawned server, default <repo>/.local/nats); PATH.
   */
  env?: NodeJS.ProcessEnv;
  log?: Log;
  root?: string;
  /** Install Debian's nats-server when missing (root + apt-get only). Default true. */
  install?: boolean;
  /** Searched after PATH for nats-server (default /usr/sbin, /usr/local/sbin, ...). */
  extraDirs?: readonly string[];
}

export interface NatsInfo {
  source: 'env' | 'local' | 'spawned';
  url: string;
  description: string;
  started: boolean;
  stop(): Promise<void>;
}

export type NatsProbe =
  | { ok: true; jetstream: true; version: string }
  | { ok: true; jetstream: false; version: string; error: string }
  | { ok: false; error: string };

export async function probeNats(url: string, timeoutMs = 2000): Promise<NatsProbe> {
  let nc;
  try {
    // NATS_URL may list several servers, comma-separated (as the apps accept it).
    const servers = url
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    nc = await connect({ servers, timeout: timeoutMs, reconnect: false, name: 'auraison-local-probe' });
  } catch (err) {
    return { ok: false, error: errorText(err) };
  }
  const version = nc.info?.version ?? 'unknown';
  try {
    const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
    await jsm.getAccountInfo();
    return { ok: true, jetstream: true, version };
  } catch (err) {
    return { ok: true, jetstream: false, version, error: errorText(err) };
  } finally {
    await nc.close().catch(() => {});
  }
}

const noop = async (): Promise<void> => {};

// /usr/sbin is where Debian puts nats-server, and it is often not on a non-root PATH.
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin'];

export function findExecutable(
  name: string,
  pathEnv: string | undefined,
  extraDirs: readonly string[] = EXTRA_DIRS,
): string | undefined {
  const dirs = [...(pathEnv ?? '').split(delimiter).filter((d) => d !== ''), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const INSTALL_HINT =
  'Install nats-server (Debian/Ubuntu: `sudo apt-get install nats-server`; other systems: ' +
  'https://nats.io/download/) or set NATS_URL to a NATS server with JetStream enabled.';

async function installNatsServer(
  env: NodeJS.ProcessEnv,
  log: Log,
  extraDirs: readonly string[] | undefined,
): Promise<string> {
  const aptGet = findExecutable('apt-get', env.PATH);
  if (process.getuid?.() !== 0 || !aptGet)
    throw new InfraError(`NATS: nats-server is not installed. ${INSTALL_HINT}`);
  log(
    'NATS: nats-server not found; installing the Debian package nats-server (apt-get install -y nats-server)',
  );
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = await run(aptGet, ['install', '-y', 'nats-server'], { env: aptEnv });
  if (result.code !== 0) {
    // A fresh image often has no package lists yet.
    log('NATS: apt-get install failed; running apt-get update and trying again');
    await run(aptGet, ['update'], { env: aptEnv });
    result = await run(aptGet, ['install', '-y', 'nats-server'], { env: aptEnv });
  }
  // Debian's package puts it in /usr/sbin, whatever the caller's search list.
  const installed = findExecutable('nats-server', env.PATH, [...(extraDirs ?? EXTRA_DIRS), '/usr/sbin']);
  if (result.code !== 0)
    throw new InfraError(
      `NATS: installing nats-server with apt-get failed (exit ${result.code}). ${INSTALL_HINT}`,
    );
  if (!installed)
    throw new InfraError(
      `NATS: apt-get installed nats-server but no nats-server binary was found. ${INSTALL_HINT}`,
    );
  return installed;
}

export async function ensureNats(options: NatsOptions = {}): Promise<NatsInfo> {
  const env = options.env ?? process.env;
  const log = options.log ?? defaultLog;
  const root = options.root ?? REPO_ROOT;

  const given = env.NATS_URL?.trim();
  if (given) {
    const probe = await probeNats(given, 5000);
    if (!probe.ok)
      throw new InfraError(
        `NATS: cannot connect to NATS_URL (${redactUrl(given)}): ${probe.error}. Fix or unset NATS_URL.`,
      );
    if (!probe.jetstream)
      throw new InfraError(
        `NATS: the server at NATS_URL (${redactUrl(given)}) has no JetStream (${probe.error}); ` +
          'the plane needs it: run nats-server with -js.',
      );
    log(`NATS: using NATS_URL ${redactUrl(given)} (nats-server ${probe.version}, JetStream)`);
    return {
      source: 'env',
      url: given,
      description: `${redactUrl(given)} (NATS_URL)`,
      started: false,
      stop: noop,
    };
  }

  const localUrl = env.MP_LOCAL_NATS_URL?.trim() || DEFAULT_LOCAL_NATS_URL;
  const storeDir = resolve(env.MP_LOCAL_NATS_DIR?.trim() || join(root, '.local', 'nats'));
  const ownerPath = join(storeDir, 'launcher.json');
  const local = await probeNats(localUrl, 1500);
  if (local.ok) {
    if (!local.jetstream)
      throw new InfraError(
        `NATS: the server on ${hostPort(localUrl, 4222)} has JetStream disabled (${local.error}). ` +
          'Restart it with -js, or set NATS_URL to one that has it.',
      );
    // A nats-server a SIGKILLed launcher left behind: take it over so it is stopped this time.
    const owner = readOwnership(ownerPath);
    if (owner && isAlive(owner.serverPid) && commandLine(owner.serverPid).includes('nats-server')) {
      if (ownedByLiveLauncher(owner)) {
        log(
          `NATS: using ${hostPort(localUrl, 4222)} (nats-server started by the launcher pid ${owner.launcherPid})`,
        );
        return {
          source: 'local',
          url: localUrl,
          description: `${localUrl} (shared with the launcher pid ${owner.launcherPid})`,
          started: false,
          stop: noop,
        };
      }
      log(`NATS: taking over nats-server (pid ${owner.serverPid}) left by an earlier launcher`);
      writeOwnership(ownerPath, owner.serverPid);
      return spawned(
        localUrl,
        owner.serverPid,
        undefined,
        ownerPath,
        log,
        'taken over from an earlier launcher',
      );
    }
    log(`NATS: using ${hostPort(localUrl, 4222)} (nats-server ${local.version}, JetStream)`);
    return {
      source: 'local',
      url: localUrl,
      description: `${localUrl} (local server)`,
      started: false,
      stop: noop,
    };
  }

  log(`NATS: nothing on ${hostPort(localUrl, 4222)} (${local.error})`);
  const bin =
    findExecutable('nats-server', env.PATH, options.extraDirs) ??
    (options.install === false ? undefined : await installNatsServer(env, log, options.extraDirs));
  if (!bin) throw new InfraError(`NATS: nats-server is not installed. ${INSTALL_HINT}`);
  const port = portOf(localUrl, 4222);
  mkdirSync(storeDir, { recursive: true });
  const logPath = join(storeDir, 'nats-server.log');
  log(`NATS: starting nats-server (${bin} -js) on 127.0.0.1:${port}, store ${storeDir}`);

  const logStart = existsSync(logPath) ? statSync(logPath).size : 0;
  const logFd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    // Own process group: Ctrl-C reaches the launcher, which stops the apps before NATS.
    child = spawn(bin, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new InfraError(`NATS: could not start ${bin}`);
  killOnExit(pid, 'SIGTERM');
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  const url = `nats://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      forgetOnExit(pid);
      throw new InfraError(
        `NATS: nats-server stopped during start (${spawnError?.message ?? `exit ${child.exitCode ?? child.signalCode ?? '?'}`}). ` +
          `Log (${logPath}):\n  ${tailFile(logPath, logStart).join('\n  ')}`,
      );
    }
    const probe = await probeNats(url, 1000);
    if (probe.ok && probe.jetstream) break;
    if (Date.now() > deadline) {
      await terminate(child, { timeoutMs: 5000 });
      forgetOnExit(pid);
      throw new InfraError(
        `NATS: nats-server did not become ready on ${url} (${probe.ok ? probe.error : probe.error}). ` +
          `Log:\n  ${tailFile(logPath, logStart).join('\n  ')}`,
      );
    }
    await sleep(100);
  }
  writeOwnership(ownerPath, pid);
  log(`NATS: nats-server ready on ${url} (pid ${pid})`);
  return spawned(url, pid, child, ownerPath, log, 'started nats-server');
}

function spawned(
  url: string,
  pid: number,
  child: ChildProcess | undefined,
  ownerPath: string,
  log: Log,
  note: string,
): NatsInfo {
  killOnExit(pid, 'SIGTERM');
  let stopping: Promise<void> | undefined;
  return {
    source: 'spawned',
    url,
    description: `${url} (${note}, JetStream)`,
    started: true,
    stop: async () => {
      stopping ??= (async () => {
        const how = await terminate(child ?? pid, {
          timeoutMs: 10_000,
          onKill: () => log('NATS: nats-server did not stop in 10s; killing it'),
        });
        forgetOnExit(pid);
        clearOwnership(ownerPath);
        log(`NATS: nats-server stopped${how === 'killed' ? ' (killed)' : ''}`);
      })();
      return stopping;
    },
  };
}
