import { api } from '../api';
import { Link, setQuery, useLocation } from '../router';
import type { Replay } from '../types';
import { Async, fmtDuration, fmtTime, Section, useAsync, useTenantHref, useTenantId } from '../ui';

export function SessionReplayPage({ sessionId }: { sessionId: string }) {
  const tenantId = useTenantId();
  const href = useTenantHref();
  const { query } = useLocation();
  const replay = useAsync(
    async () =>
      api<Replay>('observability-store', `/api/v1/sessions/${encodeURIComponent(sessionId)}/replay`, {
        query: { tenant_id: tenantId, limit: 1000 },
      }),
    [sessionId, tenantId],
  );
  return (
    <Async
      state={replay}
      what="session"
      isEmpty={(d) => d.items.length === 0}
      empty="This session made no tool calls."
    >
      {(r) => {
        const n = r.items.length;
        const step = Math.min(n - 1, Math.max(0, Number(query.get('step') ?? 0) || 0));
        const call = r.items[step]!;
        const go = (s: number) => setQuery({ step: String(Math.min(n - 1, Math.max(0, s))) });
        const denied = r.items.filter((c) => c.permission_denied).length;
        return (
          <>
            <p>
              Session <code>{r.session_id}</code> · {n} tool call(s) · {denied} denied
              {call.job_id && (
                <>
                  {' '}
                  · job <Link to={href(`/jobs/${encodeURIComponent(call.job_id)}/trace`)}>{call.job_id}</Link>
                </>
              )}
            </p>
            <div className="replay">
              <ol className="steps" aria-label="Tool calls">
                {r.items.map((c, i) => (
                  <li key={`${c.event_id}-${c.index}`}>
                    <button
                      type="button"
                      aria-current={i === step ? 'step' : undefined}
                      className={c.permission_denied ? 'denied' : c.is_error ? 'errored' : undefined}
                      onClick={() => go(i)}
                    >
                      {i + 1}. {c.tool}
                      {c.permission_denied ? ' (denied)' : c.is_error ? ' (error)' : ''}
                    </button>
                  </li>
                ))}
              </ol>
              <Section
                title={`Step ${step + 1} of ${n}: ${call.tool}`}
                actions={
                  <div className="actions">
                    <button type="button" onClick={() => go(step - 1)} disabled={step === 0}>
                      ← Previous
                    </button>
                    <button type="button" onClick={() => go(step + 1)} disabled={step === n - 1}>
                      Next →
                    </button>
                  </div>
                }
              >
                <dl className="facts">
                  <dt>When</dt>
                  <dd>{fmtTime(call.timestamp)}</dd>
                  <dt>Duration</dt>
                  <dd>{fmtDuration(call.duration_ms)}</dd>
                  <dt>Agent role</dt>
                  <dd>{call.agent_role ?? '–'}</dd>
                  <dt>Outcome</dt>
                  <dd>
                    {call.permission_denied ? (
                      <span className="pill failed">denied by the tool scope</span>
                    ) : call.is_error ? (
                      <span className="pill failed">error</span>
                    ) : (
                      <span className="pill succeeded">ok</span>
                    )}
                  </dd>
                </dl>
                <h3>Input</h3>
                <pre className="code" tabIndex={0} aria-label="Input">
                  {JSON.stringify(call.input, null, 2)}
                </pre>
                <h3>Output</h3>
                <pre className="code" tabIndex={0} aria-label="Output">
                  {call.output || '(no output)'}
                </pre>
              </Section>
            </div>
          </>
        );
      }}
    </Async>
  );
}
