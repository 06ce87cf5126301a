// `npm run demo`: a realistic workload against a running plane (`npm start`), so every API and the
// console have something true to show. Needs a platform admin API key (MP_API_KEY, or the key saved by
// `npm run mpctl -- login`).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runDemo } from './workload.js';

const USAGE = `usage: npm run demo -- [--rate 2] [--jobs 40] [--backfill 24] [--job-seconds 3] [--prefix demo] [--json]

  --rate         jobs started per second (default 2)
  --jobs         live jobs to play (default 40)
  --backfill     jobs replayed into last month, so statements exist (default 24; 0 for none)
  --job-seconds  playback time of one job, PENDING to terminal (default 3)
  --prefix       tenant slug and job id prefix (default demo)

Needs a platform admin API key in MP_API_KEY, or saved by \`npm run mpctl -- login --api-key <key>\`.
URLs default to the local plane; override with MP_TENANT_REGISTRY_URL, MP_POLICY_URL, MP_POLICY_GRPC_ADDRESS,
NATS_URL and MP_NATS_NAMESPACE.`;

function savedKey(env: NodeJS.ProcessEnv): string | undefined {
  const path =
    env.MPCTL_CONFIG ??
    join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'mpctl', 'config.json');
  if (!existsSync(path)) return undefined;
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { api_key?: string }).api_key;
  } catch {
    return undefined;
  }
}

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2' },
    jobs: { type: 'string', default: '40' },
    backfill: { type: 'string', default: '24' },
    'job-seconds': { type: 'string', default: '3' },
    prefix: { type: 'string', default: 'demo' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const num = (name: string, v: string | undefined, min: number): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    process.stderr.write(`demo: --${name} must be a number >= ${min} (got ${v})\n\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
};
const env = process.env;
const adminKey = env.MP_API_KEY || savedKey(env);
if (!adminKey) {
  process.stderr.write(
    [
      'demo: no platform admin API key.',
      '  → start the plane with `npm start`: on its first start the tenant registry prints the platform admin key once',
      '    (or choose it: MP_BOOTSTRAP_ADMIN_KEY=mpk_... before the first start).',
      '  → then `npm run mpctl -- login --api-key <key>` (saved for mpctl and the demo) or `export MP_API_KEY=<key>`.',
      '',
    ].join('\n'),
  );
  process.exit(3);
}
const tty = process.stderr.isTTY;
try {
  const result = await runDemo({
    registryUrl: env.MP_TENANT_REGISTRY_URL || 'http://127.0.0.1:3001',
    policyUrl: env.MP_POLICY_URL || 'http://127.0.0.1:3002',
    policyGrpc: env.MP_POLICY_GRPC_ADDRESS || '127.0.0.1:50051',
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    natsNamespace: env.MP_NATS_NAMESPACE ?? '',
    adminKey,
    rate: num('rate', values.rate, 0.01),
    jobs: num('jobs', values.jobs, 0),
    backfill: num('backfill', values.backfill, 0),
    jobSeconds: num('job-seconds', values['job-seconds'], 0),
    prefix: values.prefix,
    log: (line) => process.stderr.write(`${tty ? '\r\x1b[2K' : ''}» ${line}\n`),
    progress: (line, done) => process.stderr.write(tty ? `\r\x1b[2K${line}${done ? '\n' : ''}` : `${line}\n`),
  });
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const acme = result.tenants[0]!.slug;
    process.stdout.write(
      [
        '',
        `Demo done: ${result.admitted} jobs admitted, ${result.rejected} rejected, ${result.succeeded} succeeded, ${result.failed} failed (${result.retried} retried), ${(result.gpuSeconds / 3600).toFixed(1)} GPU-hours.`,
        'Look at it:',
        ...(result.sampleJob ? [`  npm run mpctl -- job trace ${result.sampleJob} --tenant ${acme}`] : []),
        ...(result.sampleSession
          ? [`  npm run mpctl -- session replay ${result.sampleSession} --tenant ${acme}`]
          : []),
        `  npm run mpctl -- statement --tenant ${acme} --period ${result.backfillPeriod}`,
        `  npm run mpctl -- usage --tenant ${acme}`,
        `  npm run mpctl -- scopes history --tenant ${acme} --role notebook`,
        ...(result.actuationSession
          ? [
              `  npm run mpctl -- session replay ${result.actuationSession} --tenant ${acme}   # the ros.dev.gpu actuation session`,
            ]
          : []),
        '',
      ].join('\n'),
    );
  }
  process.exit(0);
} catch (e) {
  const msg = (e as Error).message;
  process.stderr.write(`\ndemo: ${msg}\n`);
  if (/ECONNREFUSED|cannot reach|fetch failed|UNAVAILABLE/.test(msg))
    process.stderr.write('  → is the plane running? `npm start`\n');
  process.exit(1);
}
