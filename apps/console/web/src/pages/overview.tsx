import { api, ApiError } from '../api';
import { Link } from '../router';
import type { Budget, FiringAlert, Page, PolicyQuota, StoredEvent, Tenant, Usage } from '../types';
import {
  Async,
  ErrorBox,
  fmtNum,
  fmtTime,
  fmtUsd,
  Loading,
  Section,
  Stat,
  useAsync,
  useTenantHref,
  useTenantId,
  str,
} from '../ui';

async function budgetOf(tenantId: string): Promise<Budget | null> {
  try {
    return await api<Budget>('billing', `/api/v1/billing/budgets/${tenantId}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function OverviewPage() {
  const tenantId = useTenantId();
  const href = useTenantHref();
  const tenants = useAsync(
    async () => api<Page<Tenant>>('tenant-registry', '/api/v1/tenants', { query: { limit: 200 } }),
    [],
  );
  const usage = useAsync(
    async () =>
      api<Usage>('billing', '/api/v1/billing/usage', { query: { tenant_id: tenantId, breakdown_limit: 5 } }),
    [tenantId],
  );
  const budget = useAsync(async () => budgetOf(tenantId), [tenantId]);
  const quota = useAsync(
    async () => api<PolicyQuota>('policy-engine', '/api/v1/policy/quota', { query: { tenant_id: tenantId } }),
    [tenantId],
  );
  const alerts = useAsync(
    async () =>
      api<Page<FiringAlert>>('eval-loop', '/api/v1/eval/alerts', { query: { tenant_id: tenantId } }),
    [tenantId],
  );
  const failed = useAsync(
    async () =>
      api<Page<StoredEvent>>('observability-store', '/api/v1/events', {
        query: { tenant_id: tenantId, kind: 'execution', status: 'failed', limit: 10 },
      }),
    [tenantId],
  );

  return (
    <>
      <div className="stats">
        {usage.status === 'ok' ? (
          <Stat
            label={`Spend, period ${usage.data.period.label}`}
            value={fmtUsd(usage.data.total.cost)}
            sub={
              budget.status === 'ok' && budget.data
                ? `of ${fmtUsd(budget.data.amount)} budget (${fmtNum(budget.data.percent_used)}%)`
                : 'no budget set'
            }
          />
        ) : usage.status === 'loading' ? (
          <Loading what="spend" />
        ) : (
          <ErrorBox error={usage.error} retry={usage.reload} />
        )}
        {quota.status === 'ok' ? (
          <>
            <Stat
              label="Jobs in flight"
              value={`${quota.data.jobs_in_flight} / ${quota.data.max_jobs_in_flight || '∞'}`}
            />
            <Stat
              label="GPU-hours used"
              value={fmtNum(quota.data.gpu_hours_used)}
              sub={`of ${fmtNum(quota.data.gpu_hours_limit)} this period`}
            />
          </>
        ) : quota.status === 'loading' ? (
          <Loading what="quota" />
        ) : (
          <ErrorBox error={quota.error} retry={quota.reload} />
        )}
        {alerts.status === 'ok' ? (
          <Stat label="Open alerts" value={<Link to={href('/alerts')}>{alerts.data.items.length}</Link>} />
        ) : alerts.status === 'loading' ? (
          <Loading what="alerts" />
        ) : (
          <ErrorBox error={alerts.error} retry={alerts.reload} />
        )}
      </div>

      <Section
        title="Recent failed jobs"
        actions={<Link to={href('/activity', { kind: 'execution', status: 'failed' })}>All failures</Link>}
      >
        <Async
          state={failed}
          what="failed jobs"
          isEmpty={(d) => d.items.length === 0}
          empty="No failed jobs. 🎉"
        >
          {(d) => (
            <table>
              <thead>
                <tr>
                  <th>When</th>
                  <th>Job</th>
                  <th>Environment</th>
                  <th>GPU seconds</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {d.items.map((e) => {
                  const job = str(e.event.job_id ?? '');
                  return (
                    <tr key={e.event_id}>
                      <td>{fmtTime(e.timestamp)}</td>
                      <td>
                        <code>{job}</code>
                      </td>
                      <td>{str(e.event.environment ?? '')}</td>
                      <td>{fmtNum(Number(e.event.gpu_seconds ?? 0))}</td>
                      <td>
                        <Link to={href(`/jobs/${encodeURIComponent(job)}/trace`)}>Trace</Link>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Async>
      </Section>

      <Section title="Tenants">
        <Async state={tenants} what="tenants" isEmpty={(d) => d.items.length === 0}>
          {(d) => (
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Slug</th>
                  <th>Status</th>
                  <th>Environments</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {d.items.map((t) => (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    <td>{t.slug}</td>
                    <td>
                      <span className={`pill ${t.status}`}>{t.status}</span>
                    </td>
                    <td>{t.allowed_environments.join(', ') || '–'}</td>
                    <td>
                      <Link to={`/tenant?tenant=${t.id}`}>Open</Link> ·{' '}
                      <Link to={`/spend?tenant=${t.id}`}>Spend</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Async>
      </Section>
    </>
  );
}
