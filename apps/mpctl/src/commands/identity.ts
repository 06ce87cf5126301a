// login / logout / whoami, and the tenant registry's objects: tenants, users, service accounts, API keys.
import { ApiKeyTokenSource, looksLikeApiKey } from '@auraison/client';
import { list, str, type Command } from '../cli/command.js';
import { UsageError } from '../cli/errors.js';
import { renderKeyValues } from '../cli/output.js';
import { Plane } from '../cli/plane.js';
import {
  deleteProfile,
  ENDPOINT_ENV,
  resolveEndpoints,
  writeProfile,
  type Endpoints,
  type Profile,
} from '../cli/profile.js';

interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: string;
  k8s_namespace: string;
  allowed_environments: string[];
  is_platform: boolean;
  quota: Record<string, number>;
  created_at: string;
}
interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

const URL_FLAGS: Array<[string, keyof Endpoints]> = [
  ['registry-url', 'registry'],
  ['policy-url', 'policy'],
  ['policy-grpc', 'policyGrpc'],
  ['observability-url', 'observability'],
  ['billing-url', 'billing'],
  ['eval-url', 'eval'],
  ['nats-url', 'nats'],
  ['nats-namespace', 'natsNamespace'],
];

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function allPages<T>(fetchPage: (cursor?: string) => Promise<Page<T>>, max = 10_000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor && items.length < max);
  return items;
}

const QUOTA_FLAGS: Array<[string, string]> = [
  ['gpu-hours', 'gpu_hours_per_period'],
  ['token-budget', 'token_budget_per_period'],
  ['max-jobs', 'max_jobs_in_flight'],
  ['max-duration', 'default_max_job_duration_s'],
  ['anchor-day', 'period_anchor_day'],
  ['max-gpus', 'max_gpus'],
  ['cpu-cores', 'cpu_cores'],
  ['memory-gib', 'memory_gib'],
];
const quotaOptions = Object.fromEntries(QUOTA_FLAGS.map(([f]) => [f, { type: 'string' as const }]));

function quotaFrom(values: Record<string, unknown>, base: Record<string, number>): Record<string, number> {
  const q = { ...base };
  for (const [flag, field] of QUOTA_FLAGS) {
    const v = values[flag];
    if (typeof v !== 'string') continue;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new UsageError(`--${flag} must be a number (got ${JSON.stringify(v)})`);
    q[field] = n;
  }
  return q;
}

const DEFAULT_QUOTA = {
  gpu_hours_per_period: 0,
  token_budget_per_period: 0,
  max_jobs_in_flight: 0,
  default_max_job_duration_s: 3600,
  period_anchor_day: 1,
  max_gpus: 0,
  cpu_cores: 0,
  memory_gib: 0,
};

export const identityCommands: Command[] = [
  {
    path: ['login'],
    summary: 'Save an API key (checked against the tenant registry) and the plane URLs',
    usage:
      'mpctl login --api-key mpk_... [--registry-url URL] [--policy-url URL] [--policy-grpc host:port] ...\n' +
      '  echo "$KEY" | mpctl login --api-key-stdin',
    options: {
      'api-key': { type: 'string' },
      'api-key-stdin': { type: 'boolean' },
      ...Object.fromEntries(URL_FLAGS.map(([f]) => [f, { type: 'string' as const }])),
    },
    async run(ctx, v) {
      const key = v['api-key-stdin'] ? await readStdin() : (str(v, 'api-key') ?? ctx.env.MP_API_KEY);
      if (!key) throw new UsageError('give the key: --api-key mpk_... or --api-key-stdin');
      if (!looksLikeApiKey(key))
        throw new UsageError(
          'that is not an API key (mpk_<12 chars>_<43 chars>)',
          'copy the key exactly as it was shown once',
        );
      const profile: Profile = { api_key: key, endpoints: { ...(ctx.profile.endpoints ?? {}) } };
      for (const [flag, field] of URL_FLAGS) {
        const value = str(v, flag);
        if (value !== undefined) profile.endpoints![field] = value;
      }
      const endpoints = resolveEndpoints(profile, { ...ctx.env, MP_API_KEY: undefined });
      const plane = new Plane(
        endpoints,
        new ApiKeyTokenSource({ registryUrl: endpoints.registry, apiKey: key }),
      );
      const me = await plane.get<Record<string, unknown> & { tenant: { slug: string }; roles: string[] }>(
        'registry',
        '/api/v1/me',
      );
      writeProfile(ctx.profilePath, profile);
      ctx.out.result(
        me,
        () =>
          `logged in as ${String(me.display_name)} (${me.roles.join(', ')}) in tenant ${me.tenant.slug}\nprofile saved to ${ctx.profilePath}`,
      );
    },
  },
  {
    path: ['logout'],
    summary: 'Forget the saved API key',
    run(ctx) {
      const removed = deleteProfile(ctx.profilePath);
      ctx.out.result({ removed }, () => (removed ? `removed ${ctx.profilePath}` : 'not logged in'));
    },
  },
  {
    path: ['whoami'],
    summary: 'Who the credential is: tenant, roles, permissions, and the URLs in use',
    async run(ctx) {
      const me = await ctx.plane.get<{
        id: string;
        subject_type: string;
        email: string | null;
        display_name: string;
        tenant: { id: string; slug: string; is_platform: boolean };
        roles: string[];
        permissions: string[];
        token_expires_at: string;
      }>('registry', '/api/v1/me');
      ctx.out.result(me, () =>
        renderKeyValues([
          ['subject', `${me.display_name} (${me.subject_type} ${me.id})`],
          ['email', me.email],
          ['tenant', `${me.tenant.slug} (${me.tenant.id})${me.tenant.is_platform ? ' [platform]' : ''}`],
          ['roles', me.roles],
          ['permissions', me.permissions.join(' ')],
          ['token expires', me.token_expires_at],
          ...(Object.entries(ctx.endpoints) as Array<[keyof Endpoints, string]>).map(
            ([k, url]): [string, unknown] => [`${ENDPOINT_ENV[k]}`, url || '(none)'],
          ),
        ]),
      );
    },
  },
  {
    path: ['tenants', 'list'],
    summary: 'Tenants you can see (every tenant for platform admins)',
    async run(ctx) {
      const items = await allPages(async (cursor) =>
        ctx.plane.get<Page<Tenant>>('registry', '/api/v1/tenants', { query: { limit: 100, cursor } }),
      );
      ctx.out.table(items, items, [
        { header: 'id', value: (t) => t.id },
        { header: 'slug', value: (t) => t.slug },
        { header: 'name', value: (t) => t.name },
        { header: 'status', value: (t) => t.status },
        { header: 'environments', value: (t) => t.allowed_environments },
        { header: 'gpu-h/period', value: (t) => t.quota.gpu_hours_per_period, right: true },
        { header: 'namespace', value: (t) => t.k8s_namespace },
      ]);
    },
  },
  {
    path: ['tenants', 'get'],
    summary: 'One tenant with its quota configuration',
    usage: 'mpctl tenants get <id|slug>',
    async run(ctx, _v, [ref]) {
      const t = await ctx.plane.get<Tenant>('registry', `/api/v1/tenants/${(await ctx.tenant(ref)).id}`);
      ctx.out.result(t, () =>
        renderKeyValues([
          ['id', t.id],
          ['slug', t.slug],
          ['name', t.name],
          ['status', t.status],
          ['namespace', t.k8s_namespace],
          ['environments', t.allowed_environments],
          ['platform', t.is_platform],
          ...Object.entries(t.quota).map(([k, val]): [string, unknown] => [`quota.${k}`, val]),
          ['created', t.created_at],
        ]),
      );
    },
  },
  {
    path: ['tenants', 'create'],
    summary: 'Create a tenant (platform admins)',
    usage:
      'mpctl tenants create --slug acme --name "ACME Robotics" [--env torch.dev.gpu,ros.dev.gpu] [--namespace mp-acme]\n' +
      '  [--gpu-hours 100 --token-budget 50000000 --max-jobs 8 --max-duration 3600 --anchor-day 1 --max-gpus 8 --cpu-cores 64 --memory-gib 256]',
    options: {
      slug: { type: 'string' },
      name: { type: 'string' },
      env: { type: 'string', multiple: true },
      namespace: { type: 'string' },
      ...quotaOptions,
    },
    async run(ctx, v) {
      const slug = str(v, 'slug');
      if (!slug) throw new UsageError('--slug is required (lowercase letters, digits and "-")');
      const body = {
        slug,
        name: str(v, 'name') ?? slug,
        ...(str(v, 'namespace') ? { k8s_namespace: str(v, 'namespace') } : {}),
        ...(v.env ? { allowed_environments: list(v, 'env') } : {}),
        ...(QUOTA_FLAGS.some(([f]) => v[f] !== undefined) ? { quota: quotaFrom(v, DEFAULT_QUOTA) } : {}),
      };
      const t = await ctx.plane.send<Tenant>('registry', 'POST', '/api/v1/tenants', body);
      ctx.out.result(t, () => `created tenant ${t.slug} (${t.id})`);
    },
  },
  ...(['suspend', 'reactivate'] as const).map((action): Command => ({
    path: ['tenants', action],
    summary:
      action === 'suspend'
        ? 'Suspend a tenant: its tokens and jobs are refused (platform admins)'
        : 'Reactivate a suspended tenant',
    usage: `mpctl tenants ${action} <id|slug>`,
    async run(ctx, _v, [ref]) {
      if (!ref) throw new UsageError(`which tenant? mpctl tenants ${action} <id|slug>`);
      const t = await ctx.plane.send<Tenant>(
        'registry',
        'POST',
        `/api/v1/tenants/${(await ctx.tenant(ref)).id}/${action}`,
      );
      ctx.out.result(t, () => `tenant ${t.slug} is ${t.status}`);
    },
  })),
  {
    path: ['users', 'list'],
    summary: "A tenant's users and roles",
    options: { tenant: { type: 'string' } },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const items = await allPages(async (cursor) =>
        ctx.plane.get<Page<Record<string, string>>>('registry', `/api/v1/tenants/${t.id}/users`, {
          query: { limit: 100, cursor },
        }),
      );
      ctx.out.table(items, items, [
        { header: 'id', value: (u) => u.id },
        { header: 'email', value: (u) => u.email },
        { header: 'name', value: (u) => u.display_name },
        { header: 'role', value: (u) => u.role },
        { header: 'since', value: (u) => u.created_at },
      ]);
    },
  },
  {
    path: ['users', 'add'],
    summary: 'Add a user to a tenant (created when the email is new)',
    usage: 'mpctl users add --tenant acme --email ada@example.com --role operator [--name "Ada Lovelace"]',
    options: {
      tenant: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
    },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      if (!str(v, 'email') || !str(v, 'role')) throw new UsageError('--email and --role are required');
      const u = await ctx.plane.send<Record<string, string>>(
        'registry',
        'POST',
        `/api/v1/tenants/${t.id}/users`,
        {
          email: str(v, 'email'),
          role: str(v, 'role'),
          ...(str(v, 'name') ? { display_name: str(v, 'name') } : {}),
        },
      );
      ctx.out.result(u, () => `${u.email} is ${u.role} (user ${u.id})`);
    },
  },
  {
    path: ['users', 'remove'],
    summary: 'Remove a user from a tenant (revokes their keys in it)',
    usage: 'mpctl users remove --tenant acme <user-id>',
    options: { tenant: { type: 'string' } },
    async run(ctx, v, [userId]) {
      if (!userId) throw new UsageError('which user? mpctl users remove --tenant <t> <user-id>');
      const t = await ctx.tenant(str(v, 'tenant'));
      await ctx.plane.send('registry', 'DELETE', `/api/v1/tenants/${t.id}/users/${userId}`);
      ctx.out.result({ removed: userId }, () => `removed user ${userId}`);
    },
  },
  {
    path: ['service-accounts', 'list'],
    summary: "A tenant's service accounts",
    options: { tenant: { type: 'string' } },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const items = await allPages(async (cursor) =>
        ctx.plane.get<Page<Record<string, string | null>>>(
          'registry',
          `/api/v1/tenants/${t.id}/service-accounts`,
          {
            query: { limit: 100, cursor },
          },
        ),
      );
      ctx.out.table(items, items, [
        { header: 'id', value: (s) => s.id },
        { header: 'name', value: (s) => s.name },
        { header: 'role', value: (s) => s.role },
        { header: 'disabled', value: (s) => s.disabled_at },
        { header: 'description', value: (s) => s.description },
      ]);
    },
  },
  {
    path: ['service-accounts', 'create'],
    summary: 'Create a service account (then `mpctl keys create --service-account <id>`)',
    usage:
      'mpctl service-accounts create --tenant acme --name control-plane [--role service] [--description ...]',
    options: {
      tenant: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      description: { type: 'string' },
    },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      if (!str(v, 'name')) throw new UsageError('--name is required');
      const sa = await ctx.plane.send<Record<string, string>>(
        'registry',
        'POST',
        `/api/v1/tenants/${t.id}/service-accounts`,
        {
          name: str(v, 'name'),
          ...(str(v, 'role') ? { role: str(v, 'role') } : {}),
          ...(str(v, 'description') ? { description: str(v, 'description') } : {}),
        },
      );
      ctx.out.result(sa, () => `created service account ${sa.name} (${sa.id}, role ${sa.role})`);
    },
  },
  {
    path: ['keys', 'list'],
    summary: "A tenant's API keys (prefixes only, never secrets)",
    options: { tenant: { type: 'string' } },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const items = await allPages(async (cursor) =>
        ctx.plane.get<Page<Record<string, string | null>>>('registry', `/api/v1/tenants/${t.id}/api-keys`, {
          query: { limit: 100, cursor },
        }),
      );
      ctx.out.table(items, items, [
        { header: 'id', value: (k) => k.id },
        { header: 'prefix', value: (k) => k.prefix },
        { header: 'name', value: (k) => k.name },
        { header: 'owner', value: (k) => k.owner_user_id ?? `sa:${k.owner_service_account_id}` },
        { header: 'expires', value: (k) => k.expires_at },
        { header: 'revoked', value: (k) => k.revoked_at },
        { header: 'last used', value: (k) => k.last_used_at },
      ]);
    },
  },
  {
    path: ['keys', 'create'],
    summary: 'Create an API key (for you, a user or a service account); the key is shown once',
    usage:
      'mpctl keys create --tenant acme --name ci [--service-account <id> | --user <id>] [--expires 2027-01-01T00:00:00Z]',
    options: {
      tenant: { type: 'string' },
      name: { type: 'string' },
      'service-account': { type: 'string' },
      user: { type: 'string' },
      expires: { type: 'string' },
    },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      if (!str(v, 'name')) throw new UsageError('--name is required (what the key is for)');
      const k = await ctx.plane.send<Record<string, string>>(
        'registry',
        'POST',
        `/api/v1/tenants/${t.id}/api-keys`,
        {
          name: str(v, 'name'),
          ...(str(v, 'service-account') ? { service_account_id: str(v, 'service-account') } : {}),
          ...(str(v, 'user') ? { user_id: str(v, 'user') } : {}),
          ...(str(v, 'expires') ? { expires_at: str(v, 'expires') } : {}),
        },
      );
      ctx.out.result(
        k,
        () => `${k.api_key}\n(key ${k.id}, prefix ${k.prefix}: store it now, it is never shown again)`,
      );
    },
  },
  {
    path: ['keys', 'revoke'],
    summary: 'Revoke an API key',
    usage: 'mpctl keys revoke --tenant acme <key-id>',
    options: { tenant: { type: 'string' } },
    async run(ctx, v, [keyId]) {
      if (!keyId)
        throw new UsageError('which key? mpctl keys revoke --tenant <t> <key-id> (ids: mpctl keys list)');
      const t = await ctx.tenant(str(v, 'tenant'));
      await ctx.plane.send('registry', 'DELETE', `/api/v1/tenants/${t.id}/api-keys/${keyId}`);
      ctx.out.result({ revoked: keyId }, () => `revoked key ${keyId}`);
    },
  },
  {
    path: ['quota', 'show'],
    summary: "A tenant's quota: its configuration and what is left this period (net of reservations)",
    options: { tenant: { type: 'string' } },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const [config, left] = await Promise.all([
        ctx.plane.get<Record<string, number | string>>('registry', `/api/v1/tenants/${t.id}/quota`),
        ctx.plane.get<Record<string, number | string | null>>('policy', '/api/v1/policy/quota', {
          query: { tenant_id: t.id },
        }),
      ]);
      ctx.out.result({ config, remaining: left }, () =>
        renderKeyValues([
          ['period', `${String(left.period_start)} .. ${String(left.period_end)}`],
          [
            'GPU-hours',
            `${String(left.gpu_hours_used ?? 0)} used, ${String(left.gpu_hours_reserved)} reserved, ${String(left.gpu_hours_remaining)} left of ${String(config.gpu_hours_per_period)}`,
          ],
          [
            'tokens',
            `${String(left.tokens_used ?? 0)} used, ${String(left.tokens_reserved)} reserved, ${String(left.token_budget_remaining)} left of ${String(config.token_budget_per_period)}`,
          ],
          ['jobs in flight', `${String(left.jobs_in_flight)} of ${String(left.max_jobs_in_flight)}`],
          ['default max duration', `${String(config.default_max_job_duration_s)} s`],
          [
            'namespace limits',
            `${String(config.max_gpus)} GPUs, ${String(config.cpu_cores)} cores, ${String(config.memory_gib)} GiB`,
          ],
          ['period anchor day', config.period_anchor_day],
        ]),
      );
    },
  },
  {
    path: ['quota', 'set'],
    summary: "Change a tenant's quota (platform admins); unnamed fields keep their value",
    usage: 'mpctl quota set --tenant acme --gpu-hours 200 --max-jobs 10',
    options: { tenant: { type: 'string' }, ...quotaOptions },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      if (!QUOTA_FLAGS.some(([f]) => v[f] !== undefined))
        throw new UsageError(`name at least one of ${QUOTA_FLAGS.map(([f]) => `--${f}`).join(', ')}`);
      const current = await ctx.plane.get<Record<string, number>>(
        'registry',
        `/api/v1/tenants/${t.id}/quota`,
      );
      const { tenant_id: _t, revision: _r, ...base } = current;
      const q = await ctx.plane.send<Record<string, number>>(
        'registry',
        'PUT',
        `/api/v1/tenants/${t.id}/quota`,
        quotaFrom(v, base),
      );
      ctx.out.result(
        q,
        () =>
          `quota of ${t.slug ?? t.id} set (revision ${q.revision}):\n${renderKeyValues(Object.entries(q))}`,
      );
    },
  },
];

export { allPages, type Page };
