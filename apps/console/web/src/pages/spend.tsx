import { useState } from 'react';
import { api, request } from '../api';
import { Link, setQuery, useLocation } from '../router';
import type { BreakdownEntry, Usage } from '../types';
import {
  Async,
  BarChart,
  errorMessage,
  fmtNum,
  fmtUsd,
  Section,
  useAsync,
  useTenantHref,
  useTenantId,
} from '../ui';

const DIMENSIONS = [
  ['model', 'Model'],
  ['agent_role', 'Agent role'],
  ['user', 'User'],
  ['job', 'Job'],
  ['environment', 'Environment'],
] as const;

function monthsBack(n: number, from = new Date()): string[] {
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

export function SpendPage() {
  const tenantId = useTenantId();
  const href = useTenantHref();
  const { query } = useLocation();
  const period = query.get('period') ?? '';
  const dimension = (query.get('by') ?? 'model') as (typeof DIMENSIONS)[number][0];
  const usage = useAsync(
    async () =>
      api<Usage>('billing', '/api/v1/billing/usage', {
        query: { tenant_id: tenantId, period, breakdown_limit: 50 },
      }),
    [tenantId, period],
  );
  const history = useAsync(
    async () =>
      Promise.all(
        monthsBack(6).map(async (m) => {
          const u = await api<Usage>('billing', '/api/v1/billing/usage', {
            query: { tenant_id: tenantId, period: m, breakdown_limit: 1 },
          });
          return { label: u.period.label, value: Number(u.total.cost) };
        }),
      ),
    [tenantId],
  );

  return (
    <>
      <div className="toolbar">
        <label>
          Period{' '}
          <input
            type="month"
            value={period}
            onChange={(e) => setQuery({ period: e.target.value || undefined })}
            aria-describedby="period-hint"
          />
        </label>
        <span id="period-hint" className="muted">
          empty = the current period
        </span>
      </div>
      <Section title="Cost over time">
        <Async
          state={history}
          what="cost history"
          isEmpty={(d) => d.every((p) => p.value === 0)}
          empty="No spend in the last six periods."
        >
          {(points) => (
            <BarChart title="Cost per billing period (USD)" points={points} format={(n) => fmtUsd(n)} />
          )}
        </Async>
      </Section>
      <Async state={usage} what="usage">
        {(u) => (
          <>
            <Section title={`Period ${u.period.label}${u.period.closed ? ' (closed)' : ' (open)'}`}>
              <div className="stats">
                <div className="stat">
                  <div className="stat-label">Total</div>
                  <div className="stat-value">{fmtUsd(u.total.cost)}</div>
                </div>
                <div className="stat">
                  <div className="stat-label">Tokens</div>
                  <div className="stat-value">{fmtUsd(u.total.token_cost)}</div>
                  <div className="stat-sub">
                    {fmtNum(u.total.input_tokens + u.total.output_tokens)} tokens
                  </div>
                </div>
                <div className="stat">
                  <div className="stat-label">GPU</div>
                  <div className="stat-value">{fmtUsd(u.total.gpu_cost)}</div>
                  <div className="stat-sub">{fmtNum(Number(u.total.gpu_seconds) / 3600)} GPU-hours</div>
                </div>
                {u.total.unpriced_events > 0 && (
                  <div className="stat">
                    <div className="stat-label">Unpriced events</div>
                    <div className="stat-value">{u.total.unpriced_events}</div>
                  </div>
                )}
              </div>
            </Section>
            <Section title="Breakdown">
              <div role="tablist" aria-label="Break down by" className="tabs">
                {DIMENSIONS.map(([key, label]) => (
                  <button
                    key={key}
                    role="tab"
                    type="button"
                    aria-selected={dimension === key}
                    onClick={() => setQuery({ by: key })}
                  >
                    {label}
                  </button>
                ))}
              </div>
              <Breakdown
                entries={u.breakdowns[dimension].items}
                dimension={dimension}
                jobHref={(job) => href(`/jobs/${encodeURIComponent(job)}/trace`)}
              />
            </Section>
          </>
        )}
      </Async>
      <Statement tenantId={tenantId} />
    </>
  );
}

function Breakdown({
  entries,
  dimension,
  jobHref,
}: {
  entries: BreakdownEntry[];
  dimension: string;
  jobHref: (job: string) => string;
}) {
  if (entries.length === 0) return <p className="empty">No usage in this period.</p>;
  return (
    <>
      <BarChart
        title={`Cost by ${dimension.replace('_', ' ')} (USD)`}
        points={entries
          .slice(0, 12)
          .map((e) => ({ label: e.key ?? '(not attributed)', value: Number(e.cost) }))}
        format={(n) => fmtUsd(n)}
      />
      <table>
        <thead>
          <tr>
            <th>{dimension.replace('_', ' ')}</th>
            <th>Events</th>
            <th>Tokens</th>
            <th>GPU-hours</th>
            <th>Token cost</th>
            <th>GPU cost</th>
            <th>Total</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.key ?? '(not attributed)'}>
              <td>
                {dimension === 'job' && e.key ? (
                  <Link to={jobHref(e.key)}>{e.key}</Link>
                ) : (
                  (e.key ?? '(not attributed)')
                )}
              </td>
              <td>{e.events}</td>
              <td>{fmtNum(e.input_tokens + e.output_tokens)}</td>
              <td>{fmtNum(Number(e.gpu_seconds) / 3600)}</td>
              <td>{fmtUsd(e.token_cost)}</td>
              <td>{fmtUsd(e.gpu_cost)}</td>
              <td>{fmtUsd(e.cost)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Statement({ tenantId }: { tenantId: string }) {
  const [period, setPeriod] = useState(monthsBack(2)[0]!);
  const [state, setState] = useState<{ busy?: boolean; error?: string; done?: string }>({});
  const download = async () => {
    setState({ busy: true });
    try {
      const res = await request('billing', '/api/v1/billing/statements', {
        query: { tenant_id: tenantId, period, format: 'csv' },
        accept: 'text/csv',
      });
      const name =
        /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
        `statement-${period}.csv`;
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ done: name });
    } catch (e) {
      setState({ error: errorMessage(e) });
    }
  };
  return (
    <Section title="Statement">
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void download();
        }}
      >
        <label>
          Closed period{' '}
          <input type="month" value={period} onChange={(e) => setPeriod(e.target.value)} required />
        </label>
        <button type="submit" disabled={state.busy}>
          Download statement (CSV)
        </button>
      </form>
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      {state.done && <p role="status">Downloaded {state.done}.</p>}
    </Section>
  );
}
