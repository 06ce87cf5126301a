// mpctl end to end against a real plane (every app's production bundle on its own database and NATS
// namespace): log in, manage tenants, accounts, keys, scopes, lockdown, gates and quota, launch an agent
// through a stand-in claude, and read the run back as a session replay, a job trace and usage.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlane, type RunningPlane } from '@auraison/app-testing';
import { runCli } from '../src/cli/app.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const SESSION = '5f0c2a9e-3c1e-4d8a-9b0e-2f6f3d1a7c11';
let plane: RunningPlane;
let home: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function mpctl(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (t: string) => void (stdout += t) },
    stderr: { write: (t: string) => void (stderr += t) },
    env: { PATH: process.env.PATH, ...plane.clientEnv, MPCTL_CONFIG: join(home, 'config.json'), ...env },
  });
  return { code, stdout, stderr };
}

async function ok(args: string[], env?: Record<string, string>): Promise<string> {
  const r = await mpctl(args, env);
  if (r.code !== 0) throw new Error(`mpctl ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function json<T>(args: string[], env?: Record<string, string>): Promise<T> {
  return JSON.parse(await ok([...args, '--json'], env)) as T;
}

/** Retries a command until `accept` holds (events reach the stores asynchronously). */
async function eventually(
  args: string[],
  accept: (r: Run) => boolean,
  env?: Record<string, string>,
  timeoutMs = 60_000,
): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  let last: Run | undefined;
  while (Date.now() < deadline) {
    last = await mpctl(args, env);
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `mpctl ${args.join(' ')} never satisfied the condition; last: ${last?.code}\n${last?.stderr}${last?.stdout}`,
  );
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mpctl-'));
  plane = await startPlane({ apps: ['policy-engine', 'observability-store', 'billing', 'eval-loop'] });
}, 240_000);

afterAll(async () => {
  await plane?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('mpctl against a running plane', () => {
  let tenantId: string;
  let serviceKey: string;

  it('should refuse to work without credentials, saying how to log in', async () => {
    const r = await mpctl(['tenants', 'list']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not logged in.*\n.*mpctl login --api-key/);
  });

  it('should log in with the bootstrap admin key and say who that is', async () => {
    expect(await ok(['login', '--api-key', plane.adminKey])).toMatch(
      /logged in as .*platform_admin.* in tenant platform/,
    );
    expect(JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'))).toEqual({
      api_key: plane.adminKey,
      endpoints: {},
    });
    const me = await json<{ roles: string[]; tenant: { is_platform: boolean } }>(['whoami']);
    expect(me).toMatchObject({ roles: ['platform_admin'], tenant: { is_platform: true } });
  });

  it('should refuse a wrong key at login and keep the profile', async () => {
    const r = await mpctl(['login', '--api-key', `mpk_${'a'.repeat(12)}_${'B'.repeat(43)}`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/refused the API key \(HTTP 401/);
    expect(JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')).api_key).toBe(plane.adminKey);
  });

  it('should create a tenant with environments and quota, and list it in a table', async () => {
    const t = await json<{ id: string; slug: string; quota: Record<string, number> }>([
      'tenants',
      'create',
      '--slug',
      'acme',
      '--name',
      'ACME Robotics',
      '--env',
      'torch.dev.gpu,ros.dev.gpu',
      '--gpu-hours',
      '100',
      '--token-budget',
      '5000000',
      '--max-jobs',
      '4',
      '--max-gpus',
      '8',
    ]);
    tenantId = t.id;
    expect(t.quota).toMatchObject({ gpu_hours_per_period: 100, max_jobs_in_flight: 4 });
    const table = await ok(['tenants', 'list']);
    expect(table.split('\n')[0]).toMatch(/^ID\s+SLUG\s+NAME\s+STATUS/);
    expect(table).toMatch(
      new RegExp(
        `${tenantId}\\s+acme\\s+ACME Robotics\\s+active\\s+(ros.dev.gpu,torch.dev.gpu|torch.dev.gpu,ros.dev.gpu)\\s+100`,
      ),
    );
  });

  it('should answer a bad value with the field named and what to do', async () => {
    const r = await mpctl(['tenants', 'create', '--slug', 'Bad_Slug']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/answered 400: slug must be/);
    expect(r.stderr).toMatch(/→ fix the value named above/);
    const unknown = await mpctl(['scopes', 'fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/scopes has: scopes show, scopes set/);
  });

  it('should create a service account and a key for it, shown once', async () => {
    const sa = await json<{ id: string; role: string }>([
      'service-accounts',
      'create',
      '--tenant',
      'acme',
      '--name',
      'control-plane',
    ]);
    expect(sa.role).toBe('service');
    const key = await json<{ api_key: string; prefix: string }>([
      'keys',
      'create',
      '--tenant',
      'acme',
      '--name',
      'cp',
      '--service-account',
      sa.id,
    ]);
    serviceKey = key.api_key;
    expect(serviceKey).toMatch(/^mpk_/);
    const keys = await ok(['keys', 'list', '--tenant', 'acme']);
    expect(keys).toContain(key.prefix);
    expect(keys).not.toContain(serviceKey);
    await ok(['users', 'add', '--tenant', 'acme', '--email', 'ada@example.com', '--role', 'operator']);
    expect(await ok(['users', 'list', '--tenant', 'acme'])).toMatch(/ada@example.com\s+\S*\s*operator/);
  });

  it('should set, show, version and roll back a tool scope', async () => {
    // The policy engine learns of the tenant from mp.tenant.events.
    await eventually(['scopes', 'show', '--tenant', 'acme', '--role', 'notebook'], (r) => r.code === 0);
    expect(
      await ok([
        'scopes',
        'set',
        '--tenant',
        'acme',
        '--role',
        'notebook',
        '--allow',
        'Bash(helm *)',
        '--reason',
        'helm charts',
      ]),
    ).toMatch(/new version \d+ of notebook for acme: \+allow Bash\(helm \*\)/);
    await ok([
      'scopes',
      'set',
      '--tenant',
      'acme',
      '--role',
      'notebook',
      '--deny',
      'Bash(ray stop *)',
      '--reason',
      'no stopping',
    ]);
    const history = await json<{ items: Array<{ version: number; reason: string }> }>([
      'scopes',
      'history',
      '--tenant',
      'acme',
      '--role',
      'notebook',
    ]);
    expect(history.items.map((i) => i.reason)).toEqual(['no stopping', 'helm charts']);
    const table = await ok(['scopes', 'history', '--tenant', 'acme', '--role', 'notebook']);
    expect(table).toMatch(/VERSION\s+AT\s+AUTHOR\s+REASON\s+CHANGE/);
    expect(table).toMatch(/no stopping .*\+deny Bash\(ray stop \*\)/);
    const show = await ok(['scopes', 'show', '--tenant', 'acme', '--role', 'notebook']);
    expect(show).toMatch(/allowed \(--allowedTools\):\s+.*Bash\(helm \*\)/);
    expect(show).toMatch(/denied \(--disallowedTools\):\s+.*Bash\(ray stop \*\)/);
    const older = history.items[1]!.version;
    expect(
      await ok([
        'scopes',
        'rollback',
        '--tenant',
        'acme',
        '--role',
        'notebook',
        '--version',
        String(older),
        '--reason',
        'undo',
      ]),
    ).toMatch(new RegExp(`rolled back to v${older}`));
    expect(await ok(['scopes', 'show', '--tenant', 'acme', '--role', 'notebook'])).not.toMatch(
      /Bash\(ray stop \*\)/,
    );
    const missing = await mpctl([
      'scopes',
      'set',
      '--tenant',
      'acme',
      '--role',
      'notebook',
      '--allow',
      'Read',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--reason is required/);
  });

  it('should engage and lift a lockdown, and open and close a gate', async () => {
    await ok(['lockdown', 'on', '--tenant', 'acme', '--reason', 'drill']);
    expect(await ok(['lockdown', 'status', '--tenant', 'acme'])).toMatch(/tenant acme:\s+ON since .*drill/);
    expect(await ok(['lockdown', 'off', '--tenant', 'acme', '--reason', 'drill over'])).toMatch(
      /lockdown lifted/,
    );
    expect(
      await ok([
        'gates',
        'open',
        '--tenant',
        'acme',
        '--env',
        'ros.dev.gpu',
        '--duration',
        '600',
        '--reason',
        'bay 3',
      ]),
    ).toMatch(/gate ros.dev.gpu open until/);
    expect(await ok(['gates', 'list', '--tenant', 'acme'])).toMatch(/ros.dev.gpu .*bay 3/);
    expect(
      await ok(['gates', 'close', '--tenant', 'acme', '--env', 'ros.dev.gpu', '--reason', 'done']),
    ).toMatch(/closed/);
    expect(await ok(['gates', 'list', '--tenant', 'acme'])).toMatch(/no gate is open/);
  });

  it('should show and change the quota', async () => {
    expect(await ok(['quota', 'set', '--tenant', 'acme', '--gpu-hours', '250'])).toMatch(
      /gpu_hours_per_period:\s+250/,
    );
    const q = await json<{ config: Record<string, number>; remaining: Record<string, number> }>([
      'quota',
      'show',
      '--tenant',
      'acme',
    ]);
    expect(q.config.gpu_hours_per_period).toBe(250);
    await eventually(['quota', 'show', '--tenant', 'acme'], (r) =>
      /GPU-hours:\s+0 used, 0 reserved, 250 left of 250/.test(r.stdout),
    );
  });

  it('should run an agent through the launcher with the policy scope and publish its AgentEvent', async () => {
    const record = join(home, 'claude-args.json');
    const r = await mpctl(
      [
        'agent',
        'run',
        '--role',
        'notebook',
        '--job',
        'job-e2e-1',
        '--claude',
        join(FIXTURES, 'fake-claude.mjs'),
        '--',
        'check the failed job',
      ],
      {
        MP_API_KEY: serviceKey,
        FAKE_CLAUDE_STREAM: join(FIXTURES, 'notebook-session.stream.jsonl'),
        FAKE_CLAUDE_RECORD: record,
        FAKE_CLAUDE_EXIT: '3',
        TRACEPARENT: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
    );
    if (r.code !== 3) throw new Error(`exit ${r.code}, expected claude's 3:\n${r.stderr}`);
    expect(r.stdout).toContain(`"session_id":"${SESSION}"`); // the output streamed through
    expect(r.stderr).toMatch(/published AgentEvent claude:5f0c2a9e.* 3 tool calls, exit 3/);
    const { argv, traceparent } = JSON.parse(readFileSync(record, 'utf8')) as {
      argv: string[];
      traceparent: string;
    };
    expect(argv.slice(0, 2)).toEqual(['-p', 'check the failed job']);
    expect(argv[argv.indexOf('--output-format') + 1]).toBe('stream-json');
    expect(argv[argv.indexOf('--allowedTools') + 1]).toContain('Bash(helm *)'); // the rolled-back override
    expect(argv[argv.indexOf('--disallowedTools') + 1]).toContain('Bash(kubectl delete *)');
    expect(argv).toContain('--model');
    expect(traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/);
  });

  it('should replay the session and trace the job from the observability store', async () => {
    const replay = await eventually(['session', 'replay', SESSION, '--tenant', 'acme'], (r) => r.code === 0);
    expect(replay.stdout).toMatch(/Bash\s+\{"command":"kubectl get rayjobs -n mp-acme"/);
    expect(replay.stdout).toMatch(/DENIED/);
    const trace = await ok(['job', 'trace', 'job-e2e-1', '--tenant', 'acme']);
    expect(trace).toMatch(/trace ids:\s+4bf92f3577b34da6a3ce929d0e0e4736/);
    expect(trace).toMatch(
      /agent\s+job\s+notebook agent, session 5f0c2a9e.*exit 3, 3 tool call\(s\) \(1 denied\)/,
    );
  });

  it('should show the tokens in usage, and explain why an open period has no statement', async () => {
    const usage = await eventually(
      ['usage', '--tenant', 'acme', '--json'],
      (r) => r.code === 0 && JSON.parse(r.stdout).total.events > 0,
    );
    expect(JSON.parse(usage.stdout).total).toMatchObject({ input_tokens: 1850, output_tokens: 140 });
    expect(await ok(['usage', '--tenant', 'acme'])).toMatch(/notebook\s+1\s+1850\s+140/);
    const period = new Date().toISOString().slice(0, 7);
    const open = await mpctl(['statement', '--tenant', 'acme', '--period', period]);
    expect(open.code).toBe(1);
    expect(open.stderr).toMatch(/answered 409: .*period/);
  });

  it('should list signals and alert rules of the eval loop', async () => {
    const rule = await json<{ id: string }>([
      'alerts',
      'create-rule',
      '--tenant',
      'acme',
      '--name',
      'notebook failures',
      '--metric',
      'failure_rate',
      '--above',
      '0.2',
      '--clear',
      '0.15',
      '--role',
      'notebook',
    ]);
    expect(await ok(['alerts', 'rules', '--tenant', 'acme'])).toMatch(
      /notebook failures\s+failure_rate > 0.2\s+0.15/,
    );
    expect(await ok(['alerts', 'list', '--tenant', 'acme'])).toMatch(/no alert is firing/);
    await ok(['alerts', 'delete-rule', rule.id, '--tenant', 'acme']);
    expect(await ok(['alerts', 'rules', '--tenant', 'acme'])).toMatch(/no alert rules/);
    expect(await mpctl(['signals', '--tenant', 'acme'])).toMatchObject({ code: 0 });
  });

  it('should work as a program: exit codes and --json on stdout only', async () => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@auraison/source',
        '--import',
        'tsx',
        join(import.meta.dirname, '..', 'src', 'main.ts'),
        'tenants',
        'get',
        'acme',
        '--json',
      ],
      {
        env: { ...process.env, ...plane.clientEnv, MPCTL_CONFIG: join(home, 'config.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('close', r));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ id: tenantId, slug: 'acme' });
  });
});
