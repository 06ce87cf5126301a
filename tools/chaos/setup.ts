// Setting up a chaos or load run through the plane's real APIs: the admin's token, and tenants with a
// service account key that the policy engine and billing already know.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosPlane } from './chaos-plane.js';
import type { Tenant } from './workload.js';

export async function api<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function token(plane: ChaosPlane, apiKey: string): Promise<string> {
  const r = await api<{ access_token: string }>(`${plane.url('tenant-registry')}/api/v1/auth/token`, {
    method: 'POST',
    body: JSON.stringify({ api_key: apiKey }),
  });
  return r.access_token;
}

/** A tenant with room for the whole run and a service account key, known to the policy engine. */
export async function tenant(plane: ChaosPlane, admin: string, slug: string): Promise<Tenant> {
  const R = plane.url('tenant-registry');
  const t = await api<{ id: string }>(`${R}/api/v1/tenants`, {
    method: 'POST',
    token: admin,
    body: JSON.stringify({
      slug,
      name: `Chaos ${slug}`,
      allowed_environments: ['torch.dev.gpu', 'ros.dev.gpu'],
      quota: {
        gpu_hours_per_period: 100000,
        token_budget_per_period: 10_000_000_000,
        max_jobs_in_flight: 1000,
        default_max_job_duration_s: 3600,
        period_anchor_day: 1,
        max_gpus: 8,
        cpu_cores: 64,
        memory_gib: 256,
      },
    }),
  });
  const sa = await api<{ id: string }>(`${R}/api/v1/tenants/${t.id}/service-accounts`, {
    method: 'POST',
    token: admin,
    body: JSON.stringify({ name: 'control-plane', description: 'chaos workload' }),
  });
  const key = await api<{ api_key: string }>(`${R}/api/v1/tenants/${t.id}/api-keys`, {
    method: 'POST',
    token: admin,
    body: JSON.stringify({ name: 'chaos', service_account_id: sa.id }),
  });
  const own = await token(plane, key.api_key);
  // The policy engine, billing and the store learn of tenants from mp.tenant.events.
  for (const [app, path] of [
    ['policy-engine', `/api/v1/policy/quota?tenant_id=${t.id}`],
    ['billing', `/api/v1/billing/usage?tenant_id=${t.id}`],
  ] as const) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await fetch(`${plane.url(app)}${path}`, { headers: { authorization: `Bearer ${own}` } });
      if (res.ok) break;
      if (Date.now() > deadline) throw new Error(`${app} does not know tenant ${slug}: ${res.status}`);
      await sleep(200);
    }
  }
  return { id: t.id, token: own };
}
