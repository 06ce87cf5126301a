import { describe, expect, it } from '@jest/globals';
import { APPS, appEnv, appPaths, appUrls, selectApps } from './apps.js';
import { parseStartArgs } from './cli-args.js';
import { hostPort, redactUrl, withDatabase } from './infra-common.js';
import { makeTag, TaggedOutput } from './tagged-output.js';
import { testSteps } from './test-steps.js';

describe('APPS', () => {
  it('lists the deployables on their fixed ports, tenant-registry first', () => {
    expect(APPS.map((a) => [a.name, a.httpPort, a.grpcPort])).toEqual([
      ['tenant-registry', 3001, undefined],
      ['policy-engine', 3002, 50051],
      ['observability-store', 3003, undefined],
      ['billing', 3004, undefined],
      ['eval-loop', 3005, undefined],
      ['console', 3000, undefined],
    ]);
  });
});

describe('appUrls', () => {
  it('builds HTTP, readiness, metrics and docs URLs, and gRPC only where served', () => {
    const [registry, policy] = APPS;
    expect(appUrls(registry!)).toEqual({
      http: 'http://127.0.0.1:3001',
      ready: 'http://127.0.0.1:3001/readyz',
      health: 'http://127.0.0.1:3001/healthz',
      metrics: 'http://127.0.0.1:3001/metrics',
      docs: 'http://127.0.0.1:3001/api/docs',
    });
    expect(appUrls(policy!).grpc).toBe('127.0.0.1:50051');
    expect(appUrls({ name: 'console', httpPort: 3000, apiDocs: false, readyPath: '/' }, 'localhost')).toEqual(
      {
        http: 'http://localhost:3000',
        ready: 'http://localhost:3000/',
        health: 'http://localhost:3000/healthz',
        metrics: 'http://localhost:3000/metrics',
      },
    );
  });
});

describe('appEnv and appPaths', () => {
  it('gives each app its database, NATS, ports and log level, keeping the rest of the environment', () => {
    const base = { PATH: '/bin', GRPC_PORT: '1', MP_NATS_NAMESPACE: 'dev1' };
    const policy = appEnv(APPS[1]!, { databaseUrl: 'postgres://db', natsUrl: 'nats://n', base });
    expect(policy).toMatchObject({
      PATH: '/bin',
      DATABASE_URL: 'postgres://db',
      NATS_URL: 'nats://n',
      HTTP_PORT: '3002',
      GRPC_PORT: '50051',
      LOG_LEVEL: 'info',
      MP_NATS_NAMESPACE: 'dev1',
    });
    const billing = appEnv(APPS[3]!, {
      databaseUrl: 'd',
      natsUrl: 'n',
      base: { ...base, LOG_LEVEL: 'debug' },
    });
    expect(billing.GRPC_PORT).toBeUndefined();
    expect(billing.LOG_LEVEL).toBe('debug');
  });

  it('locates the built entry points', () => {
    expect(appPaths('/repo', APPS[0]!)).toEqual({
      dir: '/repo/apps/tenant-registry',
      main: '/repo/apps/tenant-registry/dist/main.js',
      migrate: '/repo/apps/tenant-registry/dist/migrate.js',
    });
  });

  it('selects apps by name and rejects unknown names', () => {
    expect(selectApps(APPS, ['billing', 'tenant-registry']).map((a) => a.name)).toEqual([
      'tenant-registry',
      'billing',
    ]);
    expect(selectApps(APPS, undefined)).toHaveLength(APPS.length);
    expect(() => selectApps(APPS, ['nope'])).toThrow(/unknown app\(s\): nope/);
  });
});

describe('URL helpers', () => {
  it('redacts passwords, swaps databases and shortens to host:port', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/postgres')).toBe(
      'postgres://postgres@127.0.0.1:5432/postgres',
    );
    expect(withDatabase('postgres://postgres@127.0.0.1:5432/postgres', 'auraison')).toBe(
      'postgres://postgres@127.0.0.1:5432/auraison',
    );
    expect(withDatabase('postgres://u:p@h/postgres?sslmode=disable', 'x')).toBe(
      'postgres://u:p@h/x?sslmode=disable',
    );
    expect(hostPort('nats://127.0.0.1:4222', 4222)).toBe('127.0.0.1:4222');
    expect(hostPort('postgres://h/db', 5432)).toBe('h:5432');
  });
});

describe('tagged output', () => {
  it('pads tags to the widest app name so messages line up', () => {
    expect(makeTag('billing', 15, false, 0)).toBe('[billing]        ');
    expect(makeTag('tenant-registry', 15, false, 0)).toBe('[tenant-registry]');
  });

  it('prefixes each line, renders records, and remembers the last lines per app', () => {
    const written: string[] = [];
    const out = new TaggedOutput(['a', 'bbb'], {
      colour: false,
      pretty: true,
      write: (t) => written.push(t),
    });
    out.line('a', JSON.stringify({ level: 30, msg: 'hello' }));
    out.line('bbb', 'plain');
    expect(written).toEqual(['[a]   INFO  hello\n', '[bbb] plain\n']);
    expect(out.lastLines('a')).toEqual(['INFO  hello']);
  });

  it('keeps the first-start admin key line to repeat it under the summary', () => {
    const out = new TaggedOutput(['tenant-registry'], {
      colour: false,
      pretty: true,
      write: () => undefined,
    });
    out.line('tenant-registry', 'Platform admin API key (shown once, keep it safe): mpk_x_y');
    out.line('tenant-registry', 'something else');
    expect(out.notices).toEqual([
      'tenant-registry: Platform admin API key (shown once, keep it safe): mpk_x_y',
    ]);
  });
});

describe('parseStartArgs', () => {
  it('reads --no-build, --only and --ready-timeout', () => {
    expect(parseStartArgs([])).toEqual({ build: true, readyTimeoutMs: 90_000, help: false });
    expect(parseStartArgs(['--no-build', '--only=billing, eval-loop', '--ready-timeout', '5'])).toEqual({
      build: false,
      only: ['billing', 'eval-loop'],
      readyTimeoutMs: 5000,
      help: false,
    });
    expect(() => parseStartArgs(['--bogus'])).toThrow(/unknown option/);
    expect(() => parseStartArgs(['--ready-timeout=x'])).toThrow(/seconds/);
  });
});

describe('testSteps', () => {
  it('runs format, lint+typecheck, contracts, a full build and tests, passing extra arguments to nx only', () => {
    const steps = testSteps(['--projects=@auraison/messaging']);
    expect(steps.map((s) => s.name)).toEqual(['format', 'lint+typecheck', 'contracts', 'build', 'test']);
    expect(steps[0]!.args).toEqual(['--check', '.']);
    expect(steps[1]!.args).toContain('--projects=@auraison/messaging');
    expect(steps[2]!.args).toEqual(['tools/contracts/check-fresh.ts']);
    expect(steps[3]!.args).toEqual(['run-many', '-t', 'build', '--output-style=static']);
    expect(steps[4]!.args).toEqual([
      'run-many',
      '-t',
      'test',
      '--output-style=static',
      '--parallel=2',
      '--projects=@auraison/messaging',
    ]);
  });
});
