// The reconciler inside the app, through the real @kubernetes/client-node, against a small fake
// Kubernetes API server: tenant changes become server-side applies of the rendered objects.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import { generateApiKey } from '../src/auth/domain/api-key.js';
import { tenantRegistryService } from '../src/service.js';
import { eventually, Seeder, type Actor } from './support/seed.js';

interface Applied {
  path: string;
  fieldManager: string | null;
  force: string | null;
  contentType: string | undefined;
  body: {
    kind: string;
    metadata: { name: string; namespace?: string };
    spec?: { hard?: Record<string, string> };
  };
}

const DISCOVERY: Record<string, object> = {
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'namespaces', namespaced: false, kind: 'Namespace', verbs: ['patch'] },
      { name: 'resourcequotas', namespaced: true, kind: 'ResourceQuota', verbs: ['patch'] },
      { name: 'limitranges', namespaced: true, kind: 'LimitRange', verbs: ['patch'] },
    ],
  },
  '/apis/rbac.authorization.k8s.io/v1': {
    kind: 'APIResourceList',
    groupVersion: 'rbac.authorization.k8s.io/v1',
    resources: [{ name: 'rolebindings', namespaced: true, kind: 'RoleBinding', verbs: ['patch'] }],
  },
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('kubernetes reconciler in the app (fake API server)', () => {
  const applied: Applied[] = [];
  let api: Server;
  let dir: string;
  let service: BootedService;
  let seed: Seeder;
  let admin: Actor;

  beforeAll(async () => {
    api = createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const discovery = DISCOVERY[url.pathname];
        res.setHeader('Content-Type', 'application/json');
        if (req.method === 'GET' && discovery) return res.end(JSON.stringify(discovery));
        if (req.method === 'PATCH') {
          const text = await readBody(req);
          applied.push({
            path: url.pathname,
            fieldManager: url.searchParams.get('fieldManager'),
            force: url.searchParams.get('force'),
            contentType: req.headers['content-type'],
            body: JSON.parse(text) as Applied['body'],
          });
          return res.end(text);
        }
        res.statusCode = 404;
        res.end(JSON.stringify({ kind: 'Status', code: 404 }));
      })();
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const { port } = api.address() as AddressInfo;
    dir = mkdtempSync(join(tmpdir(), 'mp-kubeconfig-'));
    const kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: fake\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true`,
        'users:',
        '- name: fake\n  user:\n    token: fake',
        'contexts:',
        '- name: fake\n  context:\n    cluster: fake\n    user: fake',
        'current-context: fake',
      ].join('\n'),
    );
    service = await bootTestService(tenantRegistryService, {
      env: { MP_BOOTSTRAP_ADMIN_KEY: generateApiKey().token, MP_KUBECONFIG: kubeconfig },
    });
    seed = new Seeder(service);
    admin = await seed.platformAdmin();
  });

  afterAll(async () => {
    await service?.close();
    await new Promise((resolve) => api?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should server-side apply a new tenant’s objects, Namespace first, as the registry', async () => {
    const res = await http().post('/api/v1/tenants').set(admin.auth).send({ slug: 'k8s-acme', name: 'ACME' });
    expect(res.status).toBe(201);
    const mine = await eventually(() => {
      const objects = applied.filter((a) => a.path.includes('mp-k8s-acme'));
      return objects.length >= 5 ? objects : undefined;
    });
    expect(mine.map((a) => `${a.body.kind}/${a.body.metadata.name}`).slice(0, 5)).toEqual([
      'Namespace/mp-k8s-acme',
      'ResourceQuota/mp-tenant-quota',
      'LimitRange/mp-tenant-limits',
      'RoleBinding/mp-tenant-edit',
      'RoleBinding/mp-tenant-view',
    ]);
    for (const a of mine) {
      expect(a.fieldManager).toBe('auraison-tenant-registry');
      expect(a.force).toBe('true');
      expect(a.contentType).toMatch(/^application\/apply-patch\+yaml/);
    }
    expect(mine[0]!.path).toBe('/api/v1/namespaces/mp-k8s-acme');
    expect(mine[1]!.path).toBe('/api/v1/namespaces/mp-k8s-acme/resourcequotas/mp-tenant-quota');
  });

  it('should re-apply the quota when it changes', async () => {
    const [{ id }] = await seed.db.query(`SELECT id FROM tenant_registry.tenants WHERE slug = 'k8s-acme'`);
    const res = await http().put(`/api/v1/tenants/${id}/quota`).set(admin.auth).send({
      gpu_hours_per_period: 1,
      token_budget_per_period: 1,
      max_jobs_in_flight: 1,
      default_max_job_duration_s: 60,
      period_anchor_day: 1,
      max_gpus: 4,
      cpu_cores: 2.5,
      memory_gib: 1.5,
    });
    expect(res.status).toBe(200);
    const quota = await eventually(() =>
      applied.find(
        (a) => a.body.kind === 'ResourceQuota' && a.body.spec?.hard?.['requests.nvidia.com/gpu'] === '4',
      ),
    );
    expect(quota.body.spec!.hard).toMatchObject({ 'requests.cpu': '2500m', 'limits.memory': '1536Mi' });
  });

  function http() {
    return service.http;
  }
});
