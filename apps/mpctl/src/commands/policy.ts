// Tool scopes (show, set, history, rollback, dry run), lockdown and actuation gates: the policy engine's
// administration API.
import { list, str, type Command, type Values } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { renderKeyValues, renderTable } from '../cli/output.js';

interface ToolScope {
  allowed_tools: string;
  disallowed_tools: string;
  allowed_rules: string[];
  disallowed_rules: string[];
  scope_version: number;
  max_duration_s: number;
  lockdown: boolean;
  open_actuation_gates: string[];
}
interface PolicyVersion {
  version: number;
  tenant_id: string | null;
  agent_role: string;
  document: Record<string, unknown> | null;
  author_id: string;
  reason: string;
  diff: Record<string, unknown>;
  rollback_of: number | null;
  created_at: string;
}

const ROLE = { role: { type: 'string' as const } };
const TENANT = { tenant: { type: 'string' as const } };

function role(v: Values): string {
  const r = str(v, 'role');
  if (!r) throw new UsageError('--role is required (notebook, cluster, wandb, lakehouse, ...)');
  return r;
}

function reason(v: Values, what: string): string {
  const r = str(v, 'reason');
  if (!r) throw new UsageError(`--reason is required: ${what} is audited with its reason`);
  return r;
}

/** `{"allow":{"added":[..],"removed":[..]},"changed":{"max_duration_s":[a,b]}}` in one line. */
export function describeDiff(diff: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(diff ?? {})) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const v = value as Record<string, unknown>;
      if (Array.isArray(v.added) || Array.isArray(v.removed)) {
        for (const a of (v.added as string[] | undefined) ?? []) parts.push(`+${key} ${a}`);
        for (const r of (v.removed as string[] | undefined) ?? []) parts.push(`-${key} ${r}`);
        continue;
      }
      for (const [field, change] of Object.entries(v))
        parts.push(
          Array.isArray(change)
            ? `${field} ${JSON.stringify(change[0])}→${JSON.stringify(change[1])}`
            : `${field} ${JSON.stringify(change)}`,
        );
      continue;
    }
    parts.push(`${key} ${JSON.stringify(value)}`);
  }
  return parts.join('; ') || '(no change)';
}

function scopeLines(s: ToolScope): Array<[string, unknown]> {
  return [
    ['allowed (--allowedTools)', s.allowed_tools || '(nothing)'],
    ['denied (--disallowedTools)', s.disallowed_tools || '(nothing)'],
    ['scope version', s.scope_version],
    ['max duration', `${s.max_duration_s} s`],
    ['lockdown', s.lockdown ? 'ON: every tool is denied' : 'off'],
    ['open actuation gates', s.open_actuation_gates],
  ];
}

async function history(
  ctx: Context,
  tenant: string | undefined,
  agentRole: string,
  limit: number,
): Promise<PolicyVersion[]> {
  const path = tenant
    ? `/api/v1/policy/tenants/${tenant}/roles/${agentRole}/history`
    : `/api/v1/policy/roles/${agentRole}/history`;
  const page = await ctx.plane.get<{ items: PolicyVersion[] }>('policy', path, { query: { limit } });
  return page.items;
}

const versionColumns = [
  { header: 'version', value: (p: PolicyVersion) => p.version, right: true },
  { header: 'at', value: (p: PolicyVersion) => p.created_at },
  { header: 'author', value: (p: PolicyVersion) => p.author_id },
  { header: 'reason', value: (p: PolicyVersion) => p.reason },
  {
    header: 'change',
    value: (p: PolicyVersion) =>
      (p.rollback_of ? `rollback to v${p.rollback_of}: ` : '') + describeDiff(p.diff),
  },
];

export const policyCommands: Command[] = [
  {
    path: ['scopes', 'show'],
    summary: "A role's tool scope for a tenant: override, effective policy and the resolved scope",
    usage: 'mpctl scopes show --tenant acme --role notebook',
    options: { ...TENANT, ...ROLE },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const r = role(v);
      const view = await ctx.plane.get<{
        override: PolicyVersion | null;
        effective: Record<string, unknown> & {
          default_version: number;
          override_version: number | null;
          model: string;
          max_turns: number;
        };
        scope: ToolScope;
      }>('policy', `/api/v1/policy/tenants/${t.id}/roles/${r}`);
      ctx.out.result(view, () =>
        renderKeyValues([
          ['tenant', t.slug ?? t.id],
          ['role', r],
          ['model', view.effective.model],
          ['max turns', view.effective.max_turns || 'no limit'],
          ['default version', view.effective.default_version],
          ['override version', view.override ? `${view.override.version} (${view.override.reason})` : 'none'],
          ...scopeLines(view.scope),
        ]),
      );
    },
  },
  {
    path: ['scopes', 'set'],
    summary: "Set a tenant's override of a role (rules are added to the role default's): a new version",
    usage:
      'mpctl scopes set --tenant acme --role notebook --allow "Bash(helm *)" --deny "Bash(ray stop *)" [--max-duration 600] [--model m] [--max-turns 30] --reason "helm charts"\n' +
      "  (--allow/--deny replace the override's lists; repeat them or separate rules with commas)",
    options: {
      ...TENANT,
      ...ROLE,
      allow: { type: 'string', multiple: true },
      deny: { type: 'string', multiple: true },
      'max-duration': { type: 'string' },
      'max-turns': { type: 'string' },
      model: { type: 'string' },
      reason: { type: 'string' },
    },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const r = role(v);
      const why = reason(v, 'a scope change');
      const current = await ctx.plane.get<{ override: PolicyVersion | null }>(
        'policy',
        `/api/v1/policy/tenants/${t.id}/roles/${r}`,
      );
      const doc = current.override?.document ?? {};
      const int = (flag: string): number | undefined => {
        const s = str(v, flag);
        if (s === undefined) return undefined;
        if (!/^\d+$/.test(s))
          throw new UsageError(`--${flag} must be a whole number (got ${JSON.stringify(s)})`);
        return Number(s);
      };
      const body = {
        ...doc,
        allow: list(v, 'allow') ?? (doc.allow as string[] | undefined) ?? [],
        deny: list(v, 'deny') ?? (doc.deny as string[] | undefined) ?? [],
        ...(int('max-duration') !== undefined ? { max_duration_s: int('max-duration') } : {}),
        ...(int('max-turns') !== undefined ? { max_turns: int('max-turns') } : {}),
        ...(str(v, 'model') ? { model: str(v, 'model') } : {}),
        reason: why,
      };
      const res = await ctx.plane.send<{ changed: boolean; version: PolicyVersion | null }>(
        'policy',
        'PUT',
        `/api/v1/policy/tenants/${t.id}/roles/${r}`,
        body,
      );
      ctx.out.result(res, () =>
        res.changed && res.version
          ? `new version ${res.version.version} of ${r} for ${t.slug ?? t.id}: ${describeDiff(res.version.diff)}`
          : 'nothing changed (no new version)',
      );
    },
  },
  {
    path: ['scopes', 'history'],
    summary: "Versions of a tenant's override of a role (or of the role default), newest first",
    usage: 'mpctl scopes history --tenant acme --role notebook [--default] [--limit 20]',
    options: { ...TENANT, ...ROLE, default: { type: 'boolean' }, limit: { type: 'string' } },
    async run(ctx, v) {
      const r = role(v);
      const tenant = v.default ? undefined : (await ctx.tenant(str(v, 'tenant'))).id;
      const items = await history(ctx, tenant, r, Number(str(v, 'limit') ?? 50));
      ctx.out.table(
        { items },
        items,
        versionColumns,
        `no versions of ${r}${tenant ? ' for this tenant (it uses the role default)' : ''}`,
      );
    },
  },
  {
    path: ['scopes', 'rollback'],
    summary: "Make an earlier version of a tenant's override current again (as a new version)",
    usage: 'mpctl scopes rollback --tenant acme --role notebook --version 41 --reason "undo helm"',
    options: {
      ...TENANT,
      ...ROLE,
      version: { type: 'string' },
      reason: { type: 'string' },
      default: { type: 'boolean' },
    },
    async run(ctx, v) {
      const r = role(v);
      const version = Number(str(v, 'version'));
      if (!Number.isInteger(version) || version < 1)
        throw new UsageError('--version <n> is required: `mpctl scopes history` lists the versions');
      const why = reason(v, 'a rollback');
      const path = v.default
        ? `/api/v1/policy/roles/${r}/rollback`
        : `/api/v1/policy/tenants/${(await ctx.tenant(str(v, 'tenant'))).id}/roles/${r}/rollback`;
      const res = await ctx.plane.send<{ changed: boolean; version: PolicyVersion | null }>(
        'policy',
        'POST',
        path,
        { version, reason: why },
      );
      ctx.out.result(res, () =>
        res.changed && res.version
          ? `rolled back to v${version}: now version ${res.version.version}`
          : `version ${version} is already current`,
      );
    },
  },
  {
    path: ['scopes', 'dry-run'],
    summary: 'Replay recorded tool calls through a proposed override: what would it deny?',
    usage:
      'mpctl scopes dry-run --tenant acme --role notebook --deny "Bash(ray job submit *)" [--allow ...] [--from ISO --to ISO] [--project-dir /work/proj]',
    options: {
      ...TENANT,
      ...ROLE,
      allow: { type: 'string', multiple: true },
      deny: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      'max-calls': { type: 'string' },
      'project-dir': { type: 'string' },
    },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const r = role(v);
      const res = await ctx.plane.send<{
        evaluated: number;
        denied_count: number;
        newly_denied_count: number;
        newly_allowed_count: number;
        truncated: boolean;
        denied: Array<{
          tool: string;
          input: unknown;
          rule: string | null;
          reason: string;
          denied_now: boolean;
          timestamp: string;
          session_id: string;
        }>;
      }>('policy', 'POST', `/api/v1/policy/tenants/${t.id}/roles/${r}/dry-run`, {
        allow: list(v, 'allow') ?? [],
        deny: list(v, 'deny') ?? [],
        ...(str(v, 'from') ? { from: str(v, 'from') } : {}),
        ...(str(v, 'to') ? { to: str(v, 'to') } : {}),
        ...(str(v, 'max-calls') ? { max_calls: Number(str(v, 'max-calls')) } : {}),
        ...(str(v, 'project-dir') ? { project_dir: str(v, 'project-dir') } : {}),
      });
      ctx.out.result(res, () =>
        [
          `${res.evaluated} recorded call(s) replayed${res.truncated ? ' (truncated: narrow --from/--to)' : ''}: ` +
            `${res.denied_count} denied, ${res.newly_denied_count} newly denied, ${res.newly_allowed_count} newly allowed`,
          ...(res.denied.length
            ? [
                '',
                renderTable(res.denied, [
                  { header: 'at', value: (d) => d.timestamp },
                  { header: 'tool', value: (d) => d.tool },
                  { header: 'input', value: (d) => d.input },
                  { header: 'rule', value: (d) => d.rule },
                  { header: 'new', value: (d) => (d.denied_now ? '' : 'NEW') },
                ]),
              ]
            : []),
        ].join('\n'),
      );
    },
  },
  {
    path: ['lockdown', 'status'],
    summary: 'Is a lockdown in force (global, or for the tenant)?',
    options: TENANT,
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const s = await ctx.plane.get<{
        global: Record<string, string> | null;
        tenant: Record<string, string> | null;
      }>('policy', '/api/v1/policy/lockdown', { query: { tenant_id: t.id } });
      const show = (l: Record<string, string> | null): string =>
        l ? `ON since ${l.engaged_at} by ${l.engaged_by}: ${l.reason}` : 'off';
      ctx.out.result(s, () =>
        renderKeyValues([
          ['global', show(s.global)],
          [`tenant ${t.slug ?? t.id}`, show(s.tenant)],
        ]),
      );
    },
  },
  ...(['on', 'off'] as const).map((mode): Command => ({
    path: ['lockdown', mode],
    summary:
      mode === 'on'
        ? 'Emergency lockdown of a tenant (or --global): every tool denied, every admission refused'
        : 'Lift a lockdown',
    usage: `mpctl lockdown ${mode} --tenant acme --reason "..."   |   mpctl lockdown ${mode} --global --reason "..."`,
    options: { ...TENANT, global: { type: 'boolean' }, reason: { type: 'string' } },
    async run(ctx, v) {
      const why = reason(v, mode === 'on' ? 'a lockdown' : 'lifting a lockdown');
      const base = v.global
        ? '/api/v1/policy/lockdown'
        : `/api/v1/policy/tenants/${(await ctx.tenant(str(v, 'tenant'))).id}/lockdown`;
      const res = await ctx.plane.send<Record<string, unknown>>(
        'policy',
        'POST',
        mode === 'on' ? base : `${base}/lift`,
        { reason: why },
      );
      ctx.out.result(res, () =>
        mode === 'on'
          ? `lockdown ON${v.global ? ' (global)' : ''}: takes effect on every replica within a second`
          : res.lifted
            ? 'lockdown lifted'
            : 'no lockdown was in force',
      );
    },
  })),
  {
    path: ['gates', 'list'],
    summary: "A tenant's open actuation gates",
    options: TENANT,
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const res = await ctx.plane.get<{ items: Array<Record<string, string>> }>(
        'policy',
        `/api/v1/policy/tenants/${t.id}/gates`,
      );
      ctx.out.table(
        res,
        res.items,
        [
          { header: 'environment', value: (g) => g.environment },
          { header: 'opened', value: (g) => g.opened_at },
          { header: 'expires', value: (g) => g.expires_at },
          { header: 'by', value: (g) => g.opened_by },
          { header: 'reason', value: (g) => g.reason },
        ],
        'no gate is open: actuation tools are denied',
      );
    },
  },
  {
    path: ['gates', 'open'],
    summary: 'Open the actuation gate of an environment (robot motion tools enter the scope)',
    usage: 'mpctl gates open --tenant acme --env ros.dev.gpu --duration 3600 --reason "field test bay 3"',
    options: { ...TENANT, env: { type: 'string' }, duration: { type: 'string' }, reason: { type: 'string' } },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const env = str(v, 'env');
      if (!env) throw new UsageError('--env is required (ros.dev.gpu or torch.dev.gpu)');
      const duration = Number(str(v, 'duration') ?? 3600);
      const g = await ctx.plane.send<Record<string, string>>(
        'policy',
        'POST',
        `/api/v1/policy/tenants/${t.id}/gates/${env}/open`,
        {
          reason: reason(v, 'opening a gate'),
          duration_s: duration,
        },
      );
      ctx.out.result(g, () => `gate ${env} open until ${g.expires_at}`);
    },
  },
  {
    path: ['gates', 'close'],
    summary: 'Close an actuation gate',
    usage: 'mpctl gates close --tenant acme --env ros.dev.gpu --reason done',
    options: { ...TENANT, env: { type: 'string' }, reason: { type: 'string' } },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const env = str(v, 'env');
      if (!env) throw new UsageError('--env is required');
      const res = await ctx.plane.send<{ closed: boolean }>(
        'policy',
        'POST',
        `/api/v1/policy/tenants/${t.id}/gates/${env}/close`,
        {
          reason: reason(v, 'closing a gate'),
        },
      );
      ctx.out.result(res, () => (res.closed ? `gate ${env} closed` : `gate ${env} was not open`));
    },
  },
];
