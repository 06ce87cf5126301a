import { useState, type FormEvent } from 'react';
import { api, request } from '../api';
import { useSession } from '../session';
import type {
  ApiKey,
  CreatedApiKey,
  Member,
  Page,
  PolicyQuota,
  Reservation,
  ServiceAccount,
  Tenant,
} from '../types';
import { Async, errorMessage, fmtNum, fmtTime, Section, UsageBar, useAsync, useTenantId } from '../ui';

export function TenantPage() {
  const tenantId = useTenantId();
  const { can } = useSession();
  const tenant = useAsync(
    async () => api<Tenant>('tenant-registry', `/api/v1/tenants/${tenantId}`),
    [tenantId],
  );
  const quota = useAsync(
    async () => api<PolicyQuota>('policy-engine', '/api/v1/policy/quota', { query: { tenant_id: tenantId } }),
    [tenantId],
  );
  const reservations = useAsync(
    async () =>
      api<{ items: Reservation[] }>('policy-engine', `/api/v1/policy/tenants/${tenantId}/reservations`, {
        query: { status: 'active' },
      }),
    [tenantId],
  );
  const members = useAsync(
    async () =>
      api<Page<Member>>('tenant-registry', `/api/v1/tenants/${tenantId}/users`, { query: { limit: 200 } }),
    [tenantId],
  );
  const accounts = useAsync(
    async () =>
      api<Page<ServiceAccount>>('tenant-registry', `/api/v1/tenants/${tenantId}/service-accounts`, {
        query: { limit: 200 },
      }),
    [tenantId],
  );
  const keys = useAsync(
    async () =>
      api<Page<ApiKey>>('tenant-registry', `/api/v1/tenants/${tenantId}/api-keys`, { query: { limit: 200 } }),
    [tenantId],
  );
  const manifests = useAsync(
    async () =>
      (
        await request('tenant-registry', `/api/v1/tenants/${tenantId}/k8s-manifests`, {
          accept: 'application/yaml',
        })
      ).text(),
    [tenantId],
  );

  return (
    <>
      <Section title="Tenant">
        <Async state={tenant} what="tenant">
          {(t) => (
            <dl className="facts">
              <dt>Name</dt>
              <dd>{t.name}</dd>
              <dt>Slug</dt>
              <dd>{t.slug}</dd>
              <dt>Status</dt>
              <dd>
                <span className={`pill ${t.status}`}>{t.status}</span>
              </dd>
              <dt>Allowed environments</dt>
              <dd>
                {t.allowed_environments.length
                  ? t.allowed_environments.map((e) => <code key={e}>{e} </code>)
                  : 'none'}
              </dd>
              <dt>Tenant id</dt>
              <dd>
                <code>{t.id}</code>
              </dd>
            </dl>
          )}
        </Async>
      </Section>

      <Section title="Quotas this period">
        <Async state={quota} what="quota">
          {(q) => (
            <>
              <UsageBar
                label="GPU-hours"
                used={q.gpu_hours_used}
                reserved={q.gpu_hours_reserved}
                limit={q.gpu_hours_limit}
                unit="h"
              />
              <UsageBar
                label="Tokens"
                used={q.tokens_used}
                reserved={q.tokens_reserved}
                limit={q.token_budget_limit}
                unit="tokens"
              />
              <UsageBar
                label="Jobs in flight"
                used={q.jobs_in_flight}
                limit={q.max_jobs_in_flight}
                unit="jobs"
              />
              <p className="muted">
                Period {fmtTime(q.period_start)} → {fmtTime(q.period_end)}
              </p>
            </>
          )}
        </Async>
        <h3>Active reservations</h3>
        <Async
          state={reservations}
          what="reservations"
          isEmpty={(d) => d.items.length === 0}
          empty="No job holds a reservation now."
        >
          {(d) => (
            <table>
              <thead>
                <tr>
                  <th>Job</th>
                  <th>Role</th>
                  <th>Environment</th>
                  <th>GPUs</th>
                  <th>GPU-h reserved</th>
                  <th>Tokens reserved</th>
                  <th>Expires</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <code>{r.job_id}</code>
                    </td>
                    <td>{r.agent_role}</td>
                    <td>{r.environment}</td>
                    <td>{r.gpu_count}</td>
                    <td>{fmtNum(r.gpu_hours_reserved)}</td>
                    <td>{fmtNum(r.tokens_reserved)}</td>
                    <td>{fmtTime(r.expires_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Async>
      </Section>

      <Section title="Members and roles">
        <Async state={members} what="members" isEmpty={(d) => d.items.length === 0}>
          {(d) => (
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Email</th>
                  <th>Role</th>
                  <th>Since</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((m) => (
                  <tr key={m.id}>
                    <td>{m.display_name}</td>
                    <td>{m.email}</td>
                    <td>{m.role}</td>
                    <td>{fmtTime(m.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Async>
      </Section>

      <Section title="Service accounts and API keys">
        <Async
          state={accounts}
          what="service accounts"
          isEmpty={(d) => d.items.length === 0}
          empty="No service accounts."
        >
          {(d) => (
            <table>
              <thead>
                <tr>
                  <th>Service account</th>
                  <th>Role</th>
                  <th>Description</th>
                  <th>State</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((a) => (
                  <tr key={a.id}>
                    <td>{a.name}</td>
                    <td>{a.role}</td>
                    <td>{a.description}</td>
                    <td>{a.disabled_at ? 'disabled' : 'active'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Async>
        <h3>API keys</h3>
        <Async state={keys} what="API keys" isEmpty={(d) => d.items.length === 0} empty="No API keys.">
          {(d) => (
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Prefix</th>
                  <th>Owner</th>
                  <th>Created</th>
                  <th>Last used</th>
                  <th>State</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td>
                      <code>{k.prefix}</code>
                    </td>
                    <td>{k.owner_service_account_id ? 'service account' : 'user'}</td>
                    <td>{fmtTime(k.created_at)}</td>
                    <td>{fmtTime(k.last_used_at)}</td>
                    <td>{k.revoked_at ? 'revoked' : 'active'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Async>
        {can('api-keys:write-own') && (
          <CreateKey
            tenantId={tenantId}
            accounts={accounts.status === 'ok' ? accounts.data.items : []}
            canForAccounts={can('api-keys:write')}
            onCreated={keys.reload}
          />
        )}
      </Section>

      <Section title="Kubernetes manifests">
        <Async state={manifests} what="manifests">
          {(yaml) => (
            <pre className="code" tabIndex={0} aria-label="Kubernetes manifests">
              {yaml}
            </pre>
          )}
        </Async>
      </Section>
    </>
  );
}

function CreateKey({
  tenantId,
  accounts,
  canForAccounts,
  onCreated,
}: {
  tenantId: string;
  accounts: ServiceAccount[];
  canForAccounts: boolean;
  onCreated: () => void;
}) {
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [created, setCreated] = useState<CreatedApiKey>();
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const key = await api<CreatedApiKey>('tenant-registry', `/api/v1/tenants/${tenantId}/api-keys`, {
        method: 'POST',
        body: { name, ...(owner ? { service_account_id: owner } : {}) },
      });
      setCreated(key);
      setName('');
      onCreated();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)}>
      <h3>Create an API key</h3>
      <label>
        Name <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
      </label>
      {canForAccounts && accounts.length > 0 && (
        <label>
          For{' '}
          <select value={owner} onChange={(e) => setOwner(e.target.value)}>
            <option value="">me</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit">Create key</button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {created && (
        <div className="secret" role="status">
          <strong>Copy this key now: it is shown only once.</strong>
          <code>{created.api_key}</code>
        </div>
      )}
    </form>
  );
}
