import { api } from '../api';
import type { Experiment, PolicyVersion } from '../types';
import { Async, fmtTime, Section, useAsync, useTenantId } from '../ui';

export function ModelsPage() {
  const tenantId = useTenantId();
  const roles = useAsync(
    async () => api<{ items: PolicyVersion[] }>('policy-engine', '/api/v1/policy/roles'),
    [],
  );
  const experiments = useAsync(
    async () =>
      api<{ items: Experiment[] }>('policy-engine', '/api/v1/policy/experiments', {
        query: { tenant_id: tenantId },
      }),
    [tenantId],
  );
  return (
    <>
      <Section title="Model per agent role (defaults)">
        <Async state={roles} what="roles" isEmpty={(d) => d.items.length === 0}>
          {(d) => (
            <table>
              <thead>
                <tr>
                  <th>Agent role</th>
                  <th>Model</th>
                  <th>Max duration</th>
                  <th>Max turns</th>
                  <th>Version</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((r) => (
                  <tr key={r.agent_role}>
                    <td>{r.agent_role}</td>
                    <td>{r.document?.model ?? '–'}</td>
                    <td>{r.document?.max_duration_s ?? '–'} s</td>
                    <td>{r.document?.max_turns ?? '–'}</td>
                    <td>v{r.version}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Async>
        <p className="muted">A tenant may override the model of a role on the Tool scopes page.</p>
      </Section>
      <Section title="Experiments">
        <Async
          state={experiments}
          what="experiments"
          isEmpty={(d) => d.items.length === 0}
          empty="No experiments."
        >
          {(d) => (
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Role</th>
                  <th>Variants (model, weight)</th>
                  <th>Status</th>
                  <th>Started</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((x) => (
                  <tr key={x.id}>
                    <td>{x.name}</td>
                    <td>{x.agent_role}</td>
                    <td>{x.variants.map((v) => `${v.name}: ${v.model} (${v.weight})`).join(' · ')}</td>
                    <td>
                      <span className={`pill ${x.status === 'active' ? 'running' : ''}`}>{x.status}</span>
                    </td>
                    <td>{fmtTime(x.created_at)}</td>
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
