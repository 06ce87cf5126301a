import { api, ApiError } from '../api';
import { Link } from '../router';
import type { JobCost, JobTrace, Reservation, TraceEntry } from '../types';
import {
  Async,
  fmtDuration,
  fmtNum,
  fmtTime,
  fmtUsd,
  Section,
  Stat,
  useAsync,
  useTenantHref,
  useTenantId,
  str,
} from '../ui';

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

interface Step {
  at: string;
  stage: 'decision' | 'admission' | 'execution' | 'cost';
  title: string;
  detail?: string;
  session?: string;
  failed?: boolean;
}

function steps(trace: JobTrace, reservations: Reservation[], cost: JobCost | null): Step[] {
  const out: Step[] = [];
  for (const e of trace.entries) out.push(entryStep(e));
  for (const r of reservations) {
    out.push({
      at: r.created_at,
      stage: 'admission',
      title: `Admitted: reserved ${r.gpu_count} GPU(s), ${fmtNum(r.gpu_hours_reserved)} GPU-h, ${fmtNum(r.tokens_reserved)} tokens`,
      detail: `${r.agent_role} on ${r.environment}`,
    });
    if (r.closed_at)
      out.push({
        at: r.closed_at,
        stage: 'admission',
        title: `Reservation ${r.status}`,
        detail: r.close_reason ?? undefined,
      });
  }
  if (cost) {
    const last =
      cost.lines
        .map((l) => l.occurred_at)
        .sort()
        .at(-1) ??
      trace.entries.at(-1)?.timestamp ??
      new Date().toISOString();
    out.push({
      at: last,
      stage: 'cost',
      title: `Cost ${fmtUsd(cost.cost)}`,
      detail: `tokens ${fmtUsd(cost.token_cost)} + GPU ${fmtUsd(cost.gpu_cost)} (${cost.lines.length} ledger lines)`,
    });
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

function entryStep(e: TraceEntry): Step {
  const ev = e.event;
  if (e.kind === 'execution') {
    const status = str(ev.status ?? '');
    return {
      at: e.timestamp,
      stage: 'execution',
      title: `Ray job ${status}`,
      detail: `${str(ev.ray_job_id ?? '')} · ${str(ev.environment ?? '')} · ${fmtNum(Number(ev.gpu_seconds ?? 0))} GPU seconds`,
      failed: status === 'failed',
    };
  }
  const calls = Array.isArray(ev.tool_calls)
    ? (ev.tool_calls as { tool?: string; duration_ms?: number }[])
    : [];
  const exit = Number(ev.exit_code ?? 0);
  return {
    at: e.timestamp,
    stage: 'decision',
    title: `Agent ${str(ev.agent_role ?? '')} decided (${calls.length} tool call(s), exit ${exit})`,
    detail: `${calls.map((c) => c.tool).join(', ')} · ${str(ev.model ?? '')} · ${fmtNum(Number(ev.tokens_in ?? 0))} in / ${fmtNum(Number(ev.tokens_out ?? 0))} out · ${fmtDuration(calls.reduce((s, c) => s + Number(c.duration_ms ?? 0), 0))}`,
    session: ev.session_id ? str(ev.session_id) : undefined,
    failed: exit !== 0,
  };
}

export function JobTracePage({ jobId }: { jobId: string }) {
  const tenantId = useTenantId();
  const href = useTenantHref();
  const data = useAsync(async () => {
    const [trace, reservations, cost] = await Promise.all([
      api<JobTrace>('observability-store', `/api/v1/jobs/${encodeURIComponent(jobId)}/trace`, {
        query: { tenant_id: tenantId, limit: 200 },
      }),
      api<{ items: Reservation[] }>('policy-engine', `/api/v1/policy/tenants/${tenantId}/reservations`, {
        query: { limit: 200 },
      }).then(
        (r) => r.items.filter((x) => x.job_id === jobId),
        () => [] as Reservation[],
      ),
      orNull(
        api<JobCost>('billing', `/api/v1/billing/jobs/${encodeURIComponent(jobId)}`, {
          query: { tenant_id: tenantId },
        }),
      ),
    ]);
    return { trace, reservations, cost };
  }, [jobId, tenantId]);

  return (
    <Async state={data} what="trace">
      {({ trace, reservations, cost }) => (
        <>
          <div className="stats">
            <Stat label="Job" value={<code>{trace.job_id}</code>} />
            <Stat
              label="Status"
              value={<span className={`pill ${trace.status ?? ''}`}>{trace.status ?? 'unknown'}</span>}
            />
            <Stat label="GPU seconds" value={fmtNum(trace.gpu_seconds)} />
            <Stat label="Cost" value={cost ? fmtUsd(cost.cost) : '–'} />
          </div>
          <Section title="Timeline">
            <ol className="timeline" aria-label="From the agent's decision to cost">
              {steps(trace, reservations, cost).map((s, i) => (
                <li key={i} className={`step ${s.stage}${s.failed ? ' failed' : ''}`}>
                  <span className="stage">{s.stage}</span>
                  <time dateTime={s.at}>{fmtTime(s.at)}</time>
                  <div className="step-title">{s.title}</div>
                  {s.detail && <div className="muted">{s.detail}</div>}
                  {s.session && (
                    <Link to={href(`/sessions/${encodeURIComponent(s.session)}/replay`)}>
                      Replay session {s.session}
                    </Link>
                  )}
                </li>
              ))}
            </ol>
            {trace.trace_ids.length > 0 && (
              <p className="muted">W3C trace ids: {trace.trace_ids.join(', ')}</p>
            )}
          </Section>
        </>
      )}
    </Async>
  );
}
