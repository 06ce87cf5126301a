import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useSession } from '../session';
import type { Gate, Page, Tenant, ToolCall } from '../types';
import { Async, errorMessage, fmtDuration, fmtTime, Section, useAsync, useTenantId } from '../ui';

export function GatesPage() {
  const tenantId = useTenantId();
  const { can } = useSession();
  const gates = useAsync(
    async () => api<{ items: Gate[] }>('policy-engine', `/api/v1/policy/tenants/${tenantId}/gates`),
    [tenantId],
  );
  const tenant = useAsync(
    async () => api<Tenant>('tenant-registry', `/api/v1/tenants/${tenantId}`),
    [tenantId],
  );
  const actuations = useAsync(
    async () =>
      api<Page<ToolCall>>('observability-store', '/api/v1/safety/actuations', {
        query: { tenant_id: tenantId, limit: 50 },
      }),
    [tenantId],
  );
  const [env, setEnv] = useState('');
  const [minutes, setMinutes] = useState(30);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const open = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('policy-engine', `/api/v1/policy/tenants/${tenantId}/gates/${env}/open`, {
        method: 'POST',
        body: { duration_s: minutes * 60, reason },
      });
      setReason('');
      gates.reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const close = async (environment: string) => {
    setError(undefined);
    try {
      await api('policy-engine', `/api/v1/policy/tenants/${tenantId}/gates/${environment}/close`, {
        method: 'POST',
        body: { reason: 'closed from the console' },
      });
      gates.reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const envs = tenant.status === 'ok' ? tenant.data.allowed_environments : [];
  return (
    <>
      <Section title="Open gates">
        <p className="muted">
          Actuation tools (robot motion) are in scope only while a gate for the environment is open.
        </p>
        <Async
          state={gates}
          what="gates"
          isEmpty={(d) => d.items.length === 0}
          empty="Every gate is closed: no actuation tool is in scope."
        >
          {(d) => (
            <table>
              <thead>
                <tr>
                  <th>Environment</th>
                  <th>Opened</th>
                  <th>Expires</th>
                  <th>Reason</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {d.items.map((g) => (
                  <tr key={g.environment}>
                    <td>{g.environment}</td>
                    <td>{fmtTime(g.opened_at)}</td>
                    <td>{fmtTime(g.expires_at)}</td>
                    <td>{g.reason}</td>
                    <td>
                      {can('policy:gates') && (
                        <button type="button" onClick={() => void close(g.environment)}>
                          Close
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Async>
        {can('policy:gates') && (
          <form className="inline-form" onSubmit={(e) => void open(e)}>
            <h3>Open a gate</h3>
            <label>
              Environment{' '}
              <select value={env} onChange={(e) => setEnv(e.target.value)} required>
                <option value="">choose…</option>
                {envs.map((e) => (
                  <option key={e}>{e}</option>
                ))}
              </select>
            </label>
            <label>
              Minutes{' '}
              <input
                type="number"
                min={1}
                max={1440}
                value={minutes}
                onChange={(e) => setMinutes(Number(e.target.value))}
              />
            </label>
            <label>
              Reason <input value={reason} onChange={(e) => setReason(e.target.value)} required />
            </label>
            <button type="submit">Open gate</button>
          </form>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </Section>
      <Section title="Actuation calls (safety review)">
        <Async
          state={actuations}
          what="actuation calls"
          isEmpty={(d) => d.items.length === 0}
          empty="No actuation call recorded."
        >
          {(d) => (
            <table>
              <thead>
                <tr>
                  <th>When</th>
                  <th>Tool</th>
                  <th>Job</th>
                  <th>Input</th>
                  <th>Duration</th>
                  <th>Outcome</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((c) => (
                  <tr key={`${c.event_id}-${c.index}`}>
                    <td>{fmtTime(c.timestamp)}</td>
                    <td>{c.tool}</td>
                    <td>
                      <code>{c.job_id}</code>
                    </td>
                    <td>
                      <code>{JSON.stringify(c.input).slice(0, 80)}</code>
                    </td>
                    <td>{fmtDuration(c.duration_ms)}</td>
                    <td>{c.permission_denied ? 'denied' : c.is_error ? 'error' : 'ok'}</td>
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
