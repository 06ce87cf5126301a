import { useEffect, useState } from 'react';
import { api } from '../api';
import { Link, setQuery, useLocation } from '../router';
import type { Page, StoredEvent } from '../types';
import { Async, ErrorBox, fmtNum, fmtTime, useAsync, useTenantHref, useTenantId, str } from '../ui';

const FILTERS = ['kind', 'agent_role', 'status', 'job_id', 'session_id', 'tool'] as const;

function Filters() {
  const { query } = useLocation();
  const [draft, setDraft] = useState<Record<string, string>>({});
  useEffect(() => setDraft(Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? '']))), [query]);
  const apply = () => setQuery(Object.fromEntries(FILTERS.map((f) => [f, draft[f] || undefined])));
  const text = (name: string, label: string) => (
    <label>
      {label}{' '}
      <input value={draft[name] ?? ''} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} />
    </label>
  );
  return (
    <form
      className="toolbar filters"
      aria-label="Filters"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <label>
        Kind{' '}
        <select value={draft.kind ?? ''} onChange={(e) => setDraft({ ...draft, kind: e.target.value })}>
          <option value="">all</option>
          <option value="agent">agent events</option>
          <option value="execution">executions</option>
        </select>
      </label>
      <label>
        Status{' '}
        <select value={draft.status ?? ''} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
          <option value="">any</option>
          {['pending', 'running', 'succeeded', 'failed', 'stopped'].map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      {text('agent_role', 'Agent role')}
      {text('job_id', 'Job')}
      {text('session_id', 'Session')}
      {text('tool', 'Tool')}
      <button type="submit">Apply</button>
    </form>
  );
}

export function describe(e: StoredEvent): string {
  const ev = e.event;
  if (e.kind === 'execution')
    return `${str(ev.status ?? '')} · ${str(ev.environment ?? '')} · ${fmtNum(Number(ev.gpu_seconds ?? 0))} GPU s`;
  const calls = Array.isArray(ev.tool_calls) ? (ev.tool_calls as { tool?: string }[]) : [];
  const tools = [...new Set(calls.map((c) => c.tool ?? '?'))].slice(0, 4).join(', ');
  return `${calls.length} tool call(s)${tools ? `: ${tools}` : ''} · exit ${str(ev.exit_code ?? 0)} · ${fmtNum(Number(ev.tokens_in ?? 0) + Number(ev.tokens_out ?? 0))} tokens`;
}

export function ActivityPage() {
  const tenantId = useTenantId();
  const href = useTenantHref();
  const { query } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? undefined]));
  const key = JSON.stringify(filters);
  const [more, setMore] = useState<StoredEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<Error>();
  const first = useAsync(async () => {
    const page = await api<Page<StoredEvent>>('observability-store', '/api/v1/events', {
      query: { tenant_id: tenantId, limit: 50, ...filters },
    });
    setMore([]);
    setCursor(page.next_cursor);
    return page;
  }, [tenantId, key]);
  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await api<Page<StoredEvent>>('observability-store', '/api/v1/events', {
        query: { tenant_id: tenantId, limit: 50, cursor, ...filters },
      });
      setMore((m) => [...m, ...page.items]);
      setCursor(page.next_cursor);
    } catch (e) {
      setMoreError(e as Error);
    }
  };
  return (
    <>
      <Filters />
      <Async
        state={first}
        what="activity"
        isEmpty={(d) => d.items.length === 0}
        empty="No events match these filters."
      >
        {(d) => (
          <>
            <table>
              <thead>
                <tr>
                  <th>When</th>
                  <th>Kind</th>
                  <th>Role / environment</th>
                  <th>Job</th>
                  <th>What</th>
                  <th>Links</th>
                </tr>
              </thead>
              <tbody>
                {[...d.items, ...more].map((e) => {
                  const job = e.event.job_id ? str(e.event.job_id) : '';
                  const session = e.event.session_id ? str(e.event.session_id) : '';
                  const failed =
                    e.event.status === 'failed' ||
                    (e.kind === 'agent' && Number(e.event.exit_code ?? 0) !== 0);
                  return (
                    <tr key={e.event_id} className={failed ? 'failed' : undefined}>
                      <td>{fmtTime(e.timestamp)}</td>
                      <td>{e.kind}</td>
                      <td>{str(e.event.agent_role ?? e.event.environment ?? '')}</td>
                      <td>
                        <code>{job}</code>
                      </td>
                      <td>{describe(e)}</td>
                      <td className="links">
                        {job && <Link to={href(`/jobs/${encodeURIComponent(job)}/trace`)}>Trace</Link>}
                        {session && (
                          <Link to={href(`/sessions/${encodeURIComponent(session)}/replay`)}>Replay</Link>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {cursor && (
              <button type="button" onClick={() => void loadMore()}>
                Load more
              </button>
            )}
            {moreError && <ErrorBox error={moreError} />}
          </>
        )}
      </Async>
    </>
  );
}
