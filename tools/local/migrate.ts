// `npm run migrate`: find or start the infra, build, and run every app's migrations against the
// plane database (tenant-registry first), then stop whatever was started.
import { type ChildProcess } from 'node:child_process';
import { APPS, appExists, type AppSpec, selectApps } from './apps.js';
import { MIGRATE_USAGE, parseStartArgs } from './cli-args.js';
import { colourEnabled, paint } from './colour.js';
import { describeFailure, ensureInfra, type Infra, PLANE_DATABASE, REPO_ROOT } from './infra.js';
import { formatDuration, sendSignal } from './processes.js';
import { TaggedOutput } from './tagged-output.js';
import { buildApps, migrateApps } from './workspace.js';

const colour = colourEnabled();
const print = (line: string): void => void process.stdout.write(`${line}\n`);
const say = (line: string): void => print(`${paint(colour, 'bold', '»')} ${line}`);
const fail = (line: string): void => print(paint(colour, 'red', `✖ ${line}`));

let child: ChildProcess | undefined;
let interrupted: NodeJS.Signals | undefined;
const onSignal = (signal: NodeJS.Signals): void => {
  interrupted ??= signal;
  // The child shares the terminal and usually got Ctrl-C itself; a SIGTERM to us alone must reach it.
  if (child?.pid && child.exitCode === null) sendSignal(child.pid, 'SIGTERM');
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

async function main(only: string[] | undefined, build: boolean): Promise<number> {
  const apps: AppSpec[] = selectApps(APPS, only).filter((a) => appExists(REPO_ROOT, a));
  let infra: Infra;
  try {
    infra = await ensureInfra({ database: PLANE_DATABASE });
  } catch (err) {
    fail(describeFailure(err));
    return 1;
  }
  try {
    const t0 = Date.now();
    if (build) {
      const result = await buildApps(only ? apps : 'all', { onSpawn: (c) => (child = c), log: say });
      if (interrupted) return 130;
      if (result.code !== 0) {
        fail(`build failed (exit ${result.code})`);
        return result.code;
      }
    }
    const outcome = await migrateApps({
      apps,
      databaseUrl: infra.postgres.url,
      natsUrl: infra.nats.url,
      output: new TaggedOutput(
        apps.map((a) => a.name),
        { colour, pretty: process.env.MP_LOG_FORMAT !== 'json' },
      ),
      onSpawn: (c) => (child = c),
      log: say,
      cancelled: () => interrupted !== undefined,
    });
    if (interrupted) return 130;
    if (!outcome.ok) {
      const how =
        outcome.reason ?? (outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.code}`);
      fail(`migration of ${outcome.app} failed (${how})`);
      return outcome.code && outcome.code > 0 ? outcome.code : 1;
    }
    print(
      paint(colour, 'green', `✔ migrated ${apps.length} app(s) in ${formatDuration(Date.now() - t0)}`) +
        ` on ${infra.postgres.description}`,
    );
    return 0;
  } finally {
    await infra.stop();
  }
}

let code: number;
try {
  const args = parseStartArgs(process.argv.slice(2));
  if (args.help) {
    print(MIGRATE_USAGE);
    process.exit(0);
  }
  code = await main(args.only, args.build);
} catch (err) {
  fail(describeFailure(err));
  code = 1;
}
process.exit(code);
