// `npm test`: the project's whole check, as CI runs it (.ci/run).
//
//   1. npx prettier --check .
//   2. nx run-many -t lint typecheck
//   3. npx tsx tools/contracts/check-fresh.ts
//   4. nx run-many -t test --parallel=2
//
// It first finds or starts PostgreSQL and NATS JetStream (see infra.ts) and exports DATABASE_URL
// (an admin URL: tests CREATE DATABASE of their own) and NATS_URL to every step. It stops at the
// first failing step with that step's exit code, and prints a one-line summary with durations.
//
// Narrowing: extra arguments go to both nx steps, e.g.
//   npm test -- --projects=@auraison/messaging
//   npm test -- --projects=@auraison/tenant-registry,@auraison/billing --skip-nx-cache
// (prettier and the contract check still run: they take seconds.)
import { type ChildProcess } from 'node:child_process';
import { colourEnabled, paint } from './colour.js';
import { describeFailure, ensureInfra, type Infra, REPO_ROOT } from './infra.js';
import { formatDuration, run, sendSignal } from './processes.js';
import { testSteps } from './test-steps.js';
import { printableCommand, toolCommand } from './workspace.js';

const colour = colourEnabled();
const print = (line: string): void => void process.stdout.write(`${line}\n`);
const say = (line: string): void => print(`${paint(colour, 'bold', '»')} ${line}`);

let current: ChildProcess | undefined;
let interrupted: NodeJS.Signals | undefined;
function onSignal(signal: NodeJS.Signals): void {
  interrupted ??= signal;
  // Ctrl-C reaches the step through the terminal; a signal sent to us alone is passed on.
  if (current?.pid && current.exitCode === null) sendSignal(current.pid, 'SIGTERM');
}

async function main(extra: readonly string[]): Promise<number> {
  const started = Date.now();
  let infra: Infra;
  try {
    infra = await ensureInfra();
  } catch (err) {
    print(paint(colour, 'red', `✖ ${describeFailure(err)}`));
    return 1;
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: infra.postgres.adminUrl,
    NATS_URL: infra.nats.url,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
  };
  const results: string[] = [];
  let code = 0;
  try {
    for (const step of testSteps(extra)) {
      if (interrupted) break;
      say(`${step.name}: ${printableCommand(step.shownEnv ?? {}, step.bin, step.args)}`);
      const t0 = Date.now();
      const [cmd, args] = toolCommand(step.bin, step.args);
      const result = await run(cmd, args, { cwd: REPO_ROOT, env, onSpawn: (c) => (current = c) });
      current = undefined;
      const took = formatDuration(Date.now() - t0);
      if (result.code === 0) {
        results.push(paint(colour, 'green', `✔ ${step.name} ${took}`));
        continue;
      }
      results.push(paint(colour, 'red', `✖ ${step.name} ${took} (exit ${result.code})`));
      code = result.code;
      break;
    }
  } finally {
    await infra.stop();
  }
  if (interrupted && code === 0) code = 130;
  const verdict =
    code === 0
      ? paint(colour, 'green', 'passed')
      : paint(colour, 'red', interrupted ? `interrupted (${interrupted})` : 'FAILED');
  print('');
  print(`npm test ${verdict} in ${formatDuration(Date.now() - started)}: ${results.join(' · ')}`);
  print(`  PostgreSQL ${infra.postgres.description} · NATS ${infra.nats.description}`);
  return code;
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

let exitCode: number;
try {
  exitCode = await main(process.argv.slice(2));
} catch (err) {
  print(paint(colour, 'red', `✖ ${describeFailure(err)}`));
  exitCode = 1;
}
process.exit(exitCode);
