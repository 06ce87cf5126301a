// examples/python against a running policy engine: stubs generated from proto/ at test time with
// grpc_tools.protoc, a tenant and a service key made through the registry, then the example's answer.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlane, type RunningPlane } from '@auraison/app-testing';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'python');

/** The first python3 that can import grpc and grpc_tools (PATH's, then Debian's). */
function findPython(): { python: string; wellKnown: string } {
  const tried: string[] = [];
  for (const python of [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean) as string[]) {
    const r = spawnSync(
      python,
      [
        '-c',
        'import grpc, grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))',
      ],
      {
        encoding: 'utf8',
      },
    );
    if (r.status === 0) return { python, wellKnown: r.stdout.trim() };
    tried.push(`${python}: ${(r.stderr || r.error?.message || '').trim().split('\n').pop() ?? ''}`);
  }
  throw new Error(
    `no python3 can import grpc and grpc_tools (${tried.join('; ')}).\n` +
      'Install them: apt-get install -y python3-grpcio python3-grpc-tools (or pip install grpcio grpcio-tools), or set PYTHON.',
  );
}

let plane: RunningPlane;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'py-example-'));
  plane = await startPlane({ apps: ['policy-engine'] });
}, 180_000);

afterAll(async () => {
  await plane?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
  const res = await fetch(`${plane.urls['tenant-registry']}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe('examples/python', () => {
  it('should call PolicyService through grpcio stubs generated from proto/', async () => {
    const { python, wellKnown } = findPython();
    const protoc = (protoRoot: string) =>
      spawnSync(
        python,
        [
          '-m',
          'grpc_tools.protoc',
          '-I',
          protoRoot,
          '-I',
          wellKnown,
          `--python_out=${work}`,
          `--grpc_python_out=${work}`,
          join(protoRoot, 'auraison/mp/v1/common.proto'),
          join(protoRoot, 'auraison/mp/v1/policy_service.proto'),
        ],
        { encoding: 'utf8' },
      );
    let gen = protoc(join(ROOT, 'proto'));
    if (gen.status !== 0 && /'optional' labels are disallowed/.test(gen.stderr)) {
      // Debian's grpc-tools 1.14 bundles a protoc older than proto3 `optional` (3.12): generate from a copy
      // without the labels. The wire format is the same; only presence tracking of those fields is lost.
      const copy = join(work, 'proto', 'auraison', 'mp', 'v1');
      mkdirSync(copy, { recursive: true });
      for (const f of ['common.proto', 'policy_service.proto'])
        writeFileSync(
          join(copy, f),
          readFileSync(join(ROOT, 'proto/auraison/mp/v1', f), 'utf8').replace(/^(\s*)optional /gm, '$1'),
        );
      gen = protoc(join(work, 'proto'));
    }
    expect({ status: gen.status, stderr: gen.stderr }).toEqual({ status: 0, stderr: '' });

    const { access_token: admin } = await call<{ access_token: string }>('POST', '/api/v1/auth/token', '', {
      api_key: plane.adminKey,
    });
    const tenant = await call<{ id: string }>('POST', '/api/v1/tenants', admin, {
      slug: 'py-acme',
      name: 'Python example',
      allowed_environments: ['torch.dev.gpu'],
      quota: {
        gpu_hours_per_period: 10,
        token_budget_per_period: 100000,
        max_jobs_in_flight: 2,
        default_max_job_duration_s: 3600,
        period_anchor_day: 1,
        max_gpus: 2,
        cpu_cores: 4,
        memory_gib: 8,
      },
    });
    const sa = await call<{ id: string }>('POST', `/api/v1/tenants/${tenant.id}/service-accounts`, admin, {
      name: 'control-plane',
    });
    const key = await call<{ api_key: string }>('POST', `/api/v1/tenants/${tenant.id}/api-keys`, admin, {
      name: 'py',
      service_account_id: sa.id,
    });

    const env = {
      ...process.env,
      MP_API_KEY: key.api_key,
      MP_POLICY_GRPC_ADDRESS: plane.policyGrpc!,
      MP_TENANT_REGISTRY_URL: plane.urls['tenant-registry']!,
    };
    let run = spawnSync(python, [join(EXAMPLE, 'policy_example.py'), '--stubs', work], {
      env,
      encoding: 'utf8',
    });
    // The policy engine hears of the tenant through mp.tenant.events: NOT_FOUND until then.
    for (let i = 0; i < 60 && run.status !== 0 && /NOT_FOUND/.test(run.stderr); i++) {
      await new Promise((r) => setTimeout(r, 500));
      run = spawnSync(python, [join(EXAMPLE, 'policy_example.py'), '--stubs', work], {
        env,
        encoding: 'utf8',
      });
    }
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ tenant_id: tenant.id, admitted: true, jobs_in_flight: 1 });
    expect(out.allowed_tools).toContain('Bash(kubectl *)');
    expect(out.model).toEqual(expect.any(String));
    expect(out.gpu_hours_remaining).toBeCloseTo(10 - 600 / 3600, 3);
  });
});
