// `npm start`: the whole plane on one machine (DESIGN §8 "Local"). Infra → build → migrations
// (tenant-registry first) → every app with tagged logs → wait for /readyz → URL table → run until
// Ctrl-C/SIGTERM, then stop the apps (SIGTERM, SIGKILL after 10 s) and the infra started here.
// An app that exits on its own stops everything with a non-zero exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { APPS, appEnv, appExists, appPaths, type AppSpec, appUrls, selectApps } from './apps.js';
import { parseStartArgs, START_USAGE, type StartArgs } from './cli-args.js';
import { colourEnabled, paint } from './colour.js';
import { describeFailure, ensureInfra, type Infra, PLANE_DATABASE, REPO_ROOT } from './infra.js';
import { formatDuration, sendSignal, terminate } from './processes.js';
import { checkReady, isPortFree } from './readiness.js';
import { clearRunRecord, reapOrphans, writeRunRecord } from './run-file.js';
import { TaggedOutput } from './tagged-output.js';
import { buildApps, migrateApps } from './workspace.js';

const colour = colourEnabled();
const print = (line: string): void => void process.stdout.write(`${line}\n`);
const say = (line: string): void => print(`${paint(colour, 'bold', '»')} ${line}`);
const fail = (line: string): void => print(paint(colour, 'red', `✖ ${line}`));

interface RunningApp {
  spec: AppSpec;
  child: ChildProcess;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  closed: Promise<void>;
}

// Launcher state, driven by the signal handlers and the children's exit events.
let infra: Infra | undefined;
const running: RunningApp[] = [];
let phaseChild: ChildProcess | undefined;
let stopSignal: NodeJS.Signals | undefined;
let crashed: RunningApp | undefined;
let shuttingDown = false;
let wake: () => void = () => {};
const interrupted = new Promise<void>((resolve) => {
  wake = resolve;
});

let stopSignalAt = 0;

function onSignal(signal: NodeJS.Signals): void {
  if (stopSignal) {
    // npm and tsx relay the terminal's Ctrl-C to us, so one key press can arrive twice.
    if (Date.now() - stopSignalAt < 1500) return;
    // A second Ctrl-C: no more patience.
    say(`${signal} again: killing the apps now`);
    for (const app of running) if (!app.exit && app.child.pid) sendSignal(app.child.pid, 'SIGKILL');
    if (phaseChild?.pid) sendSignal(phaseChild.pid, 'SIGKILL');
    return;
  }
  stopSignal = signal;
  stopSignalAt = Date.now();
  print('');
  say(`${signal} received: stopping (Ctrl-C again to kill at once)`);
  // Build and migration children share our terminal and got Ctrl-C too; a SIGTERM sent to us
  // alone must reach them as well.
  if (phaseChild?.pid && phaseChild.exitCode === null) sendSignal(phaseChild.pid, 'SIGTERM');
  wake();
}

function trackPhase(child: ChildProcess): void {
  phaseChild = child;
  child.once('exit', () => {
    if (phaseChild === child) phaseChild = undefined;
  });
}

function spawnApp(spec: AppSpec, output: TaggedOutput): RunningApp {
  const paths = appPaths(REPO_ROOT, spec);
  const child = spawn(process.execPath, [paths.main], {
    cwd: REPO_ROOT,
    env: appEnv(spec, { databaseUrl: infra!.postgres.url, natsUrl: infra!.nats.url, base: process.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches only the launcher, which stops the apps in order.
    detached: true,
  });
  output.attach(spec.name, child);
  const app: RunningApp = {
    spec,
    child,
    closed: new Promise<void>((resolve) => child.once('close', () => resolve())),
  };
  child.once('error', (err) => {
    output.line(spec.name, `failed to start: ${err.message}`);
    app.exit ??= { code: null, signal: null };
    if (!shuttingDown) crash(app);
  });
  child.once('exit', (code, signal) => {
    app.exit = { code, signal };
    if (!shuttingDown) crash(app);
  });
  return app;
}

function crash(app: RunningApp): void {
  if (crashed) return;
  crashed = app;
  wake();
}

function describeExit(app: RunningApp): string {
  const exit = app.exit;
  if (!exit) return 'still running';
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code ?? '?'}`;
}

async function waitForReadiness(
  apps: readonly RunningApp[],
  timeoutMs: number,
  output: TaggedOutput,
): Promise<'ready' | 'interrupted' | 'timeout'> {
  const started = Date.now();
  const pending = new Map(apps.map((a) => [a.spec.name, { app: a, status: 'not answered yet' }]));
  while (pending.size > 0) {
    if (stopSignal || crashed) return 'interrupted';
    if (Date.now() - started > timeoutMs) {
      fail(`not ready after ${formatDuration(timeoutMs)}: ${[...pending.keys()].join(', ')}`);
      for (const [name, { app, status }] of pending) {
        print(`  ${name}: GET ${appUrls(app.spec).ready} → ${status}`);
        print(`  last output of ${name}:`);
        for (const line of output.lastLines(name, 15)) print(`    ${line}`);
      }
      return 'timeout';
    }
    await Promise.all(
      [...pending].map(async ([name, entry]) => {
        const check = await checkReady(appUrls(entry.app.spec).ready);
        if (check.ready) {
          pending.delete(name);
          say(`${name} ready (${formatDuration(Date.now() - started)})`);
        } else entry.status = check.status;
      }),
    );
    await Promise.race([sleep(300), interrupted]);
  }
  return 'ready';
}

function printTable(apps: readonly AppSpec[], readyMs: number, notices: readonly string[]): void {
  const rows = [
    ['app', 'HTTP', 'gRPC', 'metrics', 'API docs'],
    ...apps.map((a) => {
      const u = appUrls(a);
      return [a.name, u.http, u.grpc ?? '-', u.metrics, u.docs ?? '-'];
    }),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const render = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  print('');
  print(
    paint(
      colour,
      'green',
      `Auraison management plane is up: ${apps.length} app(s) ready in ${formatDuration(readyMs)}`,
    ),
  );
  print(`  ${paint(colour, 'bold', render(rows[0]!))}`);
  for (const r of rows.slice(1)) print(`  ${render(r)}`);
  print('');
  print(`  PostgreSQL  ${infra!.postgres.description}`);
  print(`  NATS        ${infra!.nats.description}`);
  print('');
  // The console is where people start: its URL stands out (once tools/local/apps.ts lists it).
  const consoleApp = apps.find((a) => a.name === 'console');
  if (consoleApp) print(paint(colour, 'bold', `Open the console: ${appUrls(consoleApp).http}`));
  for (const notice of notices) print(paint(colour, 'bold', notice));
  if (notices.length > 0) print('');
  print('Press Ctrl-C to stop.');
}

async function stopApps(): Promise<void> {
  shuttingDown = true;
  const alive = running.filter((a) => !a.exit);
  if (alive.length > 0) say(`stopping ${alive.map((a) => a.spec.name).join(', ')}`);
  await Promise.all(
    alive.map(async (app) => {
      await terminate(app.child, {
        signal: 'SIGTERM',
        timeoutMs: 10_000,
        onKill: () => say(`${app.spec.name} did not stop within 10s: killing it`),
      });
      // Let its last lines through before the summary.
      await Promise.race([app.closed, sleep(2000)]);
    }),
  );
  if (alive.length > 0) say('apps stopped');
  clearRunRecord();
}

async function main(args: StartArgs): Promise<number> {
  const apps = selectApps(APPS, args.only).filter((a) => {
    if (appExists(REPO_ROOT, a)) return true;
    say(`apps/${a.name} does not exist yet: skipping it`);
    return false;
  });
  if (apps.length === 0) {
    fail('no apps to start');
    return 1;
  }

  const other = await reapOrphans(say);
  if (other !== undefined) {
    fail(`another npm start (pid ${other}) is running the plane; stop it first`);
    return 1;
  }

  try {
    infra = await ensureInfra({ database: PLANE_DATABASE });
  } catch (err) {
    fail(describeFailure(err));
    return 1;
  }
  if (stopSignal) return 0;

  if (args.build) {
    const t0 = Date.now();
    const all = !args.only;
    const build = await buildApps(all ? 'all' : apps, { onSpawn: trackPhase, log: say });
    if (stopSignal) return 0;
    if (build.code !== 0) {
      fail(`build failed (exit ${build.code})`);
      return build.code;
    }
    say(`build done in ${formatDuration(Date.now() - t0)}`);
  }
  const missing = apps.filter((a) => !existsSync(appPaths(REPO_ROOT, a).main));
  if (missing.length > 0) {
    fail(`not built: ${missing.map((a) => relative(REPO_ROOT, appPaths(REPO_ROOT, a).main)).join(', ')}`);
    return 1;
  }

  const output = new TaggedOutput(
    apps.map((a) => a.name),
    { colour, pretty: process.env.MP_LOG_FORMAT !== 'json' },
  );
  const migrated = await migrateApps({
    apps,
    databaseUrl: infra.postgres.url,
    natsUrl: infra.nats.url,
    output,
    onSpawn: trackPhase,
    log: say,
    cancelled: () => stopSignal !== undefined,
  });
  if (stopSignal) return 0;
  if (!migrated.ok) {
    const how =
      migrated.reason ?? (migrated.signal ? `killed by ${migrated.signal}` : `exit code ${migrated.code}`);
    fail(`migration of ${migrated.app} failed (${how})`);
    return migrated.code && migrated.code > 0 ? migrated.code : 1;
  }

  for (const app of apps) {
    const ports = [app.httpPort, ...(app.grpcPort === undefined ? [] : [app.grpcPort])];
    for (const port of ports) {
      if (!(await isPortFree(port))) {
        fail(`port ${port} (${app.name}) is already in use by another process; free it and start again`);
        return 1;
      }
    }
  }

  say(`starting ${apps.map((a) => a.name).join(', ')}`);
  const startedAt = Date.now();
  for (const spec of apps) running.push(spawnApp(spec, output));
  writeRunRecord({
    launcherPid: process.pid,
    apps: running.map((a) => ({
      name: a.spec.name,
      pid: a.child.pid ?? -1,
      main: appPaths(REPO_ROOT, a.spec).main,
    })),
  });

  const readiness = await waitForReadiness(running, args.readyTimeoutMs, output);
  if (readiness === 'timeout') return 1;
  if (readiness === 'ready') printTable(apps, Date.now() - startedAt, output.notices);

  while (!stopSignal && !crashed) await interrupted;
  if (crashed && !stopSignal) {
    fail(`${crashed.spec.name} exited unexpectedly (${describeExit(crashed)}); stopping everything`);
    await Promise.race([crashed.closed, sleep(1000)]);
    print(`  last output of ${crashed.spec.name}:`);
    for (const line of output.lastLines(crashed.spec.name, 15)) print(`    ${line}`);
    return 1;
  }
  return 0;
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

let args: StartArgs;
try {
  args = parseStartArgs(process.argv.slice(2));
} catch (err) {
  print(`${(err as Error).message}\n\n${START_USAGE}`);
  process.exit(2);
}
if (args.help) {
  print(START_USAGE);
  process.exit(0);
}

let code: number;
try {
  code = await main(args);
} catch (err) {
  fail(describeFailure(err));
  code = 1;
}
try {
  await stopApps();
  await infra?.stop();
} catch (err) {
  fail(`while stopping: ${describeFailure(err)}`);
  code ||= 1;
}
process.exit(code);
