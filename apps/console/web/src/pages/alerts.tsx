import { api, ApiError } from '../api';
import type { AlertRule, Budget, FiringAlert, Page } from '../types';
import { Async, fmtNum, fmtTime, fmtUsd, Section, useAsync, useTenantId } from '../ui';

export function AlertsPage() {
  const tenantId = useTenantId();
  const firing = useAsync(
    async () =>
      api<Page<FiringAlert>>('eval-loop', '/api/v1/eval/alerts', {
        query: { tenant_id: tenantId, limit: 100 },
      }),
    [tenantId],
  );
  const rules = useAsync(
    async () =>
      api<Page<AlertRule>>('eval-loop', '/api/v1/eval/alert-rules', {
        query: { tenant_id: tenantId, limit: 100 },
      }),
    [tenantId],
  );
  const budget = useAsync(async () => {
    try {
      return await api<Budget>('billing', `/api/v1/billing/budgets/${tenantId}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }, [tenantId]);
  return (
    <>
      <Section title="Firing now">
        <Async state={firing} what="alerts" isEmpty={(d) => d.items.length === 0} empty="No alert is firing.">
          {(d) => (
            <ul className="alerts">
              {d.items.map((a) => (
                <li key={a.alert_id} className={`alert ${a.severity}`}>
                  <strong>{a.rule_name}</strong> <span className="pill failed">{a.severity}</span>
                  <div>{a.text}</div>
                  <div className="muted">
                    {a.metric} {a.direction} {fmtNum(a.threshold)} (now {fmtNum(a.value)}) since{' '}
                    {fmtTime(a.since)} ·{' '}
                    {Object.entries(a.labels)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(', ')}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Async>
      </Section>
      <Section title="Budget">
        <Async
          state={budget}
          what="budget"
          isEmpty={(b) => b === null}
          empty="No spend budget is set for this tenant."
        >
          {(b) =>
            b && (
              <>
                <p>
                  {fmtUsd(b.spend)} of {fmtUsd(b.amount)} spent in period {b.period} ({fmtNum(b.percent_used)}
                  %).
                </p>
                {b.alerts.length > 0 && (
                  <ul>
                    {b.alerts.map((a) => (
                      <li key={a.threshold}>
                        Crossed {a.threshold}% at {fmtTime(a.crossed_at)} ({fmtUsd(a.spend)})
                      </li>
                    ))}
                  </ul>
                )}
              </>
            )
          }
        </Async>
      </Section>
      <Section title="Alert rules">
        <Async state={rules} what="alert rules" isEmpty={(d) => d.items.length === 0} empty="No alert rules.">
          {(d) => (
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Condition</th>
                  <th>Scope</th>
                  <th>Severity</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((r) => (
                  <tr key={r.id}>
                    <td>
                      {r.name}
                      {r.platform ? ' (platform)' : ''}
                    </td>
                    <td>
                      {r.metric} {r.direction} {r.threshold}
                    </td>
                    <td>
                      {Object.entries(r.scope)
                        .filter(([, v]) => v)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(', ') || 'all'}
                    </td>
                    <td>{r.severity}</td>
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
