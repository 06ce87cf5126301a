// What happened and what it cost: usage and statements (billing), job traces and session replays
// (observability store), evaluation signals and alert rules (eval loop).
import { str, type Command, type Values } from '../cli/command.js';
import { UsageError } from '../cli/errors.js';
import { renderKeyValues, renderTable } from '../cli/output.js';

const TENANT = { tenant: { type: 'string' as const } };

interface Figures {
  events: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  gpu_seconds: string;
  token_cost: string;
  gpu_cost: string;
  adjustments: string;
  cost: string;
  unpriced_events: number;
}
type Entry = Figures & { key: string | null };

function previousPeriod(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function ms(v: unknown): string {
  return typeof v === 'number' ? (v >= 1000 ? `${(v / 1000).toFixed(1)}s` : `${v}ms`) : '-';
}

interface TraceEntry {
  seq: number;
  kind: 'agent' | 'execution';
  link: string;
  timestamp: string;
  event: Record<string, unknown> & { tool_calls?: Array<Record<string, unknown>> };
}

/** A stored event field as text (they are JSON scalars). */
const f = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

function traceLine(e: TraceEntry): string {
  const ev = e.event;
  if (e.kind === 'execution')
    return `${f(ev.status)} on ${f(ev.environment)}${ev.gpu_seconds ? `, ${Number(ev.gpu_seconds).toFixed(0)} GPU-s` : ''}${ev.gpu_count ? ` (${f(ev.gpu_count)} GPUs)` : ''}${ev.reason ? ` - ${f(ev.reason)}` : ''}`;
  const calls = ev.tool_calls ?? [];
  const denied = calls.filter((c) => c.permission_denied).length;
  return `${f(ev.agent_role)} agent, session ${f(ev.session_id) || '-'}, exit ${f(ev.exit_code)}, ${calls.length} tool call(s)${denied ? ` (${denied} denied)` : ''}, ${f(ev.tokens_in)}+${f(ev.tokens_out)} tokens${ev.model ? `, ${f(ev.model)}` : ''}`;
}

function tenantQuery(v: Values, id: string): Record<string, string> {
  return v.tenant ? { tenant_id: id } : {};
}

export const reportCommands: Command[] = [
  {
    path: ['usage'],
    summary: "A tenant's usage and cost this period (or --period 2026-11), with breakdowns",
    usage: 'mpctl usage --tenant acme [--period 2026-11] [--by agent_role|model|environment|job|user]',
    options: { ...TENANT, period: { type: 'string' }, by: { type: 'string' } },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const u = await ctx.plane.get<{
        period: { label: string; start: string; end: string; closed: boolean };
        currency: string;
        total: Figures;
        breakdowns: Record<string, { items: Entry[] }>;
      }>('billing', '/api/v1/billing/usage', {
        query: { tenant_id: t.id, period: str(v, 'period'), breakdown_limit: 20 },
      });
      const by = str(v, 'by') ?? 'agent_role';
      const breakdown = u.breakdowns[by];
      if (!breakdown) throw new UsageError(`--by must be one of ${Object.keys(u.breakdowns).join(', ')}`);
      ctx.out.result(u, () =>
        [
          renderKeyValues([
            [
              'period',
              `${u.period.label} (${u.period.start} .. ${u.period.end})${u.period.closed ? ', closed' : ', open'}`,
            ],
            [
              'cost',
              `${u.total.cost} ${u.currency} (tokens ${u.total.token_cost}, GPU ${u.total.gpu_cost}, adjustments ${u.total.adjustments})`,
            ],
            [
              'tokens',
              `${u.total.input_tokens} in, ${u.total.output_tokens} out, ${u.total.cache_read_tokens} cache read, ${u.total.cache_write_tokens} cache write`,
            ],
            ['GPU-seconds', u.total.gpu_seconds],
            [
              'events',
              `${u.total.events}${u.total.unpriced_events ? ` (${u.total.unpriced_events} unpriced)` : ''}`,
            ],
          ]),
          '',
          `by ${by}:`,
          renderTable(breakdown.items, [
            { header: by, value: (e) => e.key },
            { header: 'events', value: (e) => e.events, right: true },
            { header: 'tokens in', value: (e) => e.input_tokens, right: true },
            { header: 'tokens out', value: (e) => e.output_tokens, right: true },
            { header: 'GPU-s', value: (e) => e.gpu_seconds, right: true },
            { header: `cost ${u.currency}`, value: (e) => e.cost, right: true },
          ]),
        ].join('\n'),
      );
    },
  },
  {
    path: ['statement'],
    summary: "A tenant's statement of a closed period (default: last month); --csv for the CSV",
    usage: 'mpctl statement --tenant acme [--period 2026-11] [--csv]',
    options: { ...TENANT, period: { type: 'string' }, csv: { type: 'boolean' } },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const period = str(v, 'period') ?? previousPeriod();
      const query = { tenant_id: t.id, period, ...(v.csv ? { format: 'csv' } : {}) };
      if (v.csv) {
        ctx.io.stdout.write(
          await ctx.plane.get<string>('billing', '/api/v1/billing/statements', { query, accept: 'text/csv' }),
        );
        return;
      }
      const s = await ctx.plane.get<{
        tenant_slug: string;
        period: { label: string; start: string; end: string };
        currency: string;
        events: number;
        lines: Array<{ item: string; unit: string; quantity: string; amount: string }>;
        usage_subtotal: string;
        adjustments_total: string;
        total: string;
        unpriced: Array<{ item: string; unit: string; quantity: string }>;
      }>('billing', '/api/v1/billing/statements', { query });
      ctx.out.result(s, () =>
        [
          `Statement ${s.tenant_slug} ${s.period.label} (${s.period.start} .. ${s.period.end}), ${s.events} events`,
          renderTable(s.lines, [
            { header: 'item', value: (l) => l.item },
            { header: 'unit', value: (l) => l.unit },
            { header: 'quantity', value: (l) => l.quantity, right: true },
            { header: `amount ${s.currency}`, value: (l) => l.amount, right: true },
          ]),
          renderKeyValues([
            ['usage', s.usage_subtotal],
            ['adjustments', s.adjustments_total],
            ['total', `${s.total} ${s.currency}`],
            ...(s.unpriced.length
              ? [
                  ['unpriced', s.unpriced.map((u) => `${u.item} ${u.quantity} ${u.unit}`).join(', ')] as [
                    string,
                    unknown,
                  ],
                ]
              : []),
          ]),
        ].join('\n'),
      );
    },
  },
  {
    path: ['job', 'cost'],
    summary: 'What one job cost, line by line',
    usage: 'mpctl job cost <job-id> [--tenant acme]',
    options: TENANT,
    async run(ctx, v, [jobId]) {
      if (!jobId) throw new UsageError('which job? mpctl job cost <job-id>');
      const t = await ctx.tenant(str(v, 'tenant'));
      const c = await ctx.plane.get<{
        cost: string;
        currency: string;
        token_cost: string;
        gpu_cost: string;
        lines: Array<Record<string, string | null>>;
      }>('billing', `/api/v1/billing/jobs/${encodeURIComponent(jobId)}`, { query: tenantQuery(v, t.id) });
      ctx.out.result(c, () =>
        [
          `job ${jobId}: ${c.cost} ${c.currency} (tokens ${c.token_cost}, GPU ${c.gpu_cost})`,
          renderTable(c.lines, [
            { header: 'at', value: (l) => l.occurred_at },
            { header: 'unit', value: (l) => l.unit },
            { header: 'quantity', value: (l) => l.quantity, right: true },
            { header: 'rate', value: (l) => (l.rate ? `${l.rate} ${l.rate_unit}` : 'unpriced') },
            { header: 'cost', value: (l) => l.cost, right: true },
          ]),
        ].join('\n'),
      );
    },
  },
  {
    path: ['job', 'trace'],
    summary: "A job's causal trace: the agent decisions, its status changes, GPU time and trace ids",
    usage: 'mpctl job trace <job-id> [--tenant acme]',
    options: TENANT,
    async run(ctx, v, [jobId]) {
      if (!jobId) throw new UsageError('which job? mpctl job trace <job-id>');
      const t = await ctx.tenant(str(v, 'tenant'));
      const entries: TraceEntry[] = [];
      let trace:
        | {
            status: string | null;
            gpu_seconds: number;
            trace_ids: string[];
            entries: TraceEntry[];
            next_cursor: string | null;
          }
        | undefined;
      let cursor: string | undefined;
      do {
        trace = await ctx.plane.get('observability', `/api/v1/jobs/${encodeURIComponent(jobId)}/trace`, {
          query: { ...tenantQuery(v, t.id), limit: 200, cursor },
        });
        entries.push(...trace!.entries);
        cursor = trace!.next_cursor ?? undefined;
      } while (cursor);
      const all = { ...trace!, entries, next_cursor: null };
      ctx.out.result(all, () =>
        [
          renderKeyValues([
            ['job', jobId],
            ['status', all.status],
            ['GPU-seconds', all.gpu_seconds],
            ['trace ids', all.trace_ids],
          ]),
          '',
          renderTable(
            entries,
            [
              { header: 'time', value: (e) => e.timestamp },
              { header: 'kind', value: (e) => e.kind },
              { header: 'link', value: (e) => e.link },
              { header: 'what', value: traceLine },
            ],
            100,
          ),
        ].join('\n'),
      );
    },
  },
  {
    path: ['session', 'replay'],
    summary: 'Every tool call of a claude -p session in order: input, output, duration, denials',
    usage: 'mpctl session replay <session-id> [--tenant acme]',
    options: TENANT,
    async run(ctx, v, [sessionId]) {
      if (!sessionId) throw new UsageError('which session? mpctl session replay <session-id>');
      const t = await ctx.tenant(str(v, 'tenant'));
      const items: Array<Record<string, unknown>> = [];
      let cursor: string | undefined;
      do {
        const page = await ctx.plane.get<{
          items: Array<Record<string, unknown>>;
          next_cursor: string | null;
        }>('observability', `/api/v1/sessions/${encodeURIComponent(sessionId)}/replay`, {
          query: { ...tenantQuery(v, t.id), limit: 1000, cursor },
        });
        items.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      ctx.out.table({ session_id: sessionId, items }, items, [
        { header: '#', value: (c) => c.index, right: true },
        { header: 'time', value: (c) => c.timestamp },
        { header: 'tool', value: (c) => c.tool },
        { header: 'input', value: (c) => c.input },
        {
          header: 'result',
          value: (c) =>
            c.permission_denied ? 'DENIED' : c.is_error ? `ERROR ${String(c.output)}` : c.output,
        },
        { header: 'took', value: (c) => ms(c.duration_ms), right: true },
      ]);
    },
  },
  {
    path: ['signals'],
    summary: 'Evaluation signals of the latest run (success rate with CI, latency, cost per success)',
    usage: 'mpctl signals --tenant acme [--role notebook] [--env torch.dev.gpu] [--run <id>] [--evaluate]',
    options: {
      ...TENANT,
      role: { type: 'string' },
      env: { type: 'string' },
      run: { type: 'string' },
      evaluate: { type: 'boolean' },
    },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      let runId = str(v, 'run');
      if (v.evaluate) {
        const run = await ctx.plane.send<{ id: string }>(
          'eval',
          'POST',
          '/api/v1/eval/runs',
          v.tenant ? { tenant_id: t.id } : {},
        );
        runId = run.id;
        const deadline = Date.now() + 120_000;
        for (;;) {
          const r = await ctx.plane.get<{ status: string; error: string | null }>(
            'eval',
            `/api/v1/eval/runs/${run.id}`,
            { query: tenantQuery(v, t.id) },
          );
          ctx.out.progress(`evaluation ${run.id}: ${r.status}`);
          if (['succeeded', 'degraded'].includes(r.status)) break;
          if (r.status === 'failed')
            throw new UsageError(`evaluation run failed: ${r.error ?? 'no error given'}`);
          if (Date.now() > deadline)
            throw new UsageError(
              `evaluation run ${run.id} still ${r.status} after 2 minutes`,
              'check the eval loop, then `mpctl signals --run <id>`',
            );
          await new Promise((res) => setTimeout(res, 1000));
        }
        ctx.out.progress(`evaluation ${run.id}: done`, true);
      }
      const res = await ctx.plane.get<{ items: Array<Record<string, unknown>> }>(
        'eval',
        '/api/v1/eval/signals',
        {
          query: {
            ...tenantQuery(v, t.id),
            run_id: runId,
            agent_role: str(v, 'role'),
            environment: str(v, 'env'),
          },
        },
      );
      ctx.out.table(
        res,
        res.items,
        [
          { header: 'role', value: (s) => s.agent_role },
          { header: 'env', value: (s) => s.environment },
          { header: 'model', value: (s) => s.model },
          { header: 'variant', value: (s) => s.variant },
          { header: 'runs', value: (s) => s.runs, right: true },
          { header: 'success', value: (s) => `${Math.round(Number(s.success_rate) * 100)}%`, right: true },
          {
            header: '95% CI',
            value: (s) =>
              `${Math.round(Number(s.success_rate_ci_low) * 100)}-${Math.round(Number(s.success_rate_ci_high) * 100)}%`,
          },
          { header: 'p50', value: (s) => ms(s.latency_p50_ms), right: true },
          { header: 'p99', value: (s) => ms(s.latency_p99_ms), right: true },
          { header: 'signal', value: (s) => s.text },
        ],
        'no signals yet: `mpctl signals --evaluate` runs an evaluation now',
      );
    },
  },
  {
    path: ['alerts', 'list'],
    summary: "A tenant's firing alerts",
    options: TENANT,
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const res = await ctx.plane.get<{ items: Array<Record<string, unknown>> }>(
        'eval',
        '/api/v1/eval/alerts',
        { query: tenantQuery(v, t.id) },
      );
      ctx.out.table(
        res,
        res.items,
        [
          { header: 'since', value: (a) => a.since },
          { header: 'severity', value: (a) => a.severity },
          { header: 'rule', value: (a) => a.rule_name },
          { header: 'value', value: (a) => a.value, right: true },
          { header: 'threshold', value: (a) => a.threshold, right: true },
          { header: 'text', value: (a) => a.text },
        ],
        'no alert is firing',
      );
    },
  },
  {
    path: ['alerts', 'rules'],
    summary: "A tenant's alert rules",
    options: TENANT,
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const res = await ctx.plane.get<{ items: Array<Record<string, unknown>> }>(
        'eval',
        '/api/v1/eval/alert-rules',
        {
          query: { ...tenantQuery(v, t.id), limit: 100 },
        },
      );
      ctx.out.table(
        res,
        res.items,
        [
          { header: 'id', value: (r) => r.id },
          { header: 'name', value: (r) => r.name },
          {
            header: 'metric',
            value: (r) => `${String(r.metric)} ${r.direction === 'above' ? '>' : '<'} ${String(r.threshold)}`,
          },
          { header: 'clear', value: (r) => r.clear_threshold },
          { header: 'min n', value: (r) => r.min_sample_size, right: true },
          { header: 'scope', value: (r) => r.scope },
          { header: 'severity', value: (r) => r.severity },
          { header: 'webhook', value: (r) => r.webhook_url },
        ],
        'no alert rules',
      );
    },
  },
  {
    path: ['alerts', 'create-rule'],
    summary: 'Create an alert rule (fires above/below a threshold, resolves past clear-threshold)',
    usage:
      'mpctl alerts create-rule --tenant acme --name "notebook failures" --metric failure_rate --above 0.2 [--clear 0.15]\n' +
      '  [--min-sample 30] [--window-hours 24] [--role notebook] [--env torch.dev.gpu] [--severity critical] [--webhook URL]',
    options: {
      ...TENANT,
      name: { type: 'string' },
      metric: { type: 'string' },
      above: { type: 'string' },
      below: { type: 'string' },
      clear: { type: 'string' },
      'min-sample': { type: 'string' },
      'window-hours': { type: 'string' },
      role: { type: 'string' },
      env: { type: 'string' },
      severity: { type: 'string' },
      webhook: { type: 'string' },
    },
    async run(ctx, v) {
      const t = await ctx.tenant(str(v, 'tenant'));
      const above = str(v, 'above');
      const below = str(v, 'below');
      if (!str(v, 'name') || !str(v, 'metric') || (above === undefined) === (below === undefined))
        throw new UsageError('--name, --metric and one of --above/--below are required');
      const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
      const scope = {
        ...(str(v, 'role') ? { agent_role: str(v, 'role') } : {}),
        ...(str(v, 'env') ? { environment: str(v, 'env') } : {}),
      };
      const rule = await ctx.plane.send<Record<string, unknown>>('eval', 'POST', '/api/v1/eval/alert-rules', {
        ...(v.tenant ? { tenant_id: t.id } : {}),
        name: str(v, 'name'),
        metric: str(v, 'metric'),
        direction: above !== undefined ? 'above' : 'below',
        threshold: num(above ?? below),
        ...(str(v, 'clear') ? { clear_threshold: num(str(v, 'clear')) } : {}),
        ...(str(v, 'min-sample') ? { min_sample_size: num(str(v, 'min-sample')) } : {}),
        ...(str(v, 'window-hours') ? { window_hours: num(str(v, 'window-hours')) } : {}),
        ...(Object.keys(scope).length ? { scope } : {}),
        ...(str(v, 'severity') ? { severity: str(v, 'severity') } : {}),
        ...(str(v, 'webhook') ? { webhook_url: str(v, 'webhook') } : {}),
      });
      ctx.out.result(rule, () => `created alert rule ${String(rule.name)} (${String(rule.id)})`);
    },
  },
  {
    path: ['alerts', 'delete-rule'],
    summary: 'Delete an alert rule (its firing alerts resolve)',
    usage: 'mpctl alerts delete-rule <rule-id> [--tenant acme]',
    options: TENANT,
    async run(ctx, v, [ruleId]) {
      if (!ruleId)
        throw new UsageError('which rule? mpctl alerts delete-rule <rule-id> (ids: mpctl alerts rules)');
      const t = await ctx.tenant(str(v, 'tenant'));
      await ctx.plane.request('eval', 'DELETE', `/api/v1/eval/alert-rules/${ruleId}`, {
        query: tenantQuery(v, t.id),
      });
      ctx.out.result({ deleted: ruleId }, () => `deleted alert rule ${ruleId}`);
    },
  },
];
