import { api } from '../api';
import { setQuery, useLocation } from '../router';
import type { Signal } from '../types';
import { Async, BarChart, fmtNum, fmtTime, Section, useAsync, useTenantId } from '../ui';

interface Signals {
  run_id: string | null;
  window_start: string | null;
  window_end: string | null;
  items: Signal[];
}

export function EvaluationPage() {
  const tenantId = useTenantId();
  const { query } = useLocation();
  const role = query.get('agent_role') ?? '';
  const env = query.get('environment') ?? '';
  const signals = useAsync(
    async () =>
      api<Signals>('eval-loop', '/api/v1/eval/signals', {
        query: { tenant_id: tenantId, agent_role: role, environment: env },
      }),
    [tenantId, role, env],
  );
  const label = (s: Signal) =>
    [s.agent_role, s.environment.replace('.dev.gpu', ''), s.variant].filter(Boolean).join(' · ');
  return (
    <>
      <div className="toolbar">
        <label>
          Agent role{' '}
          <input value={role} onChange={(e) => setQuery({ agent_role: e.target.value || undefined })} />
        </label>
        <label>
          Environment{' '}
          <select value={env} onChange={(e) => setQuery({ environment: e.target.value || undefined })}>
            <option value="">all</option>
            <option>torch.dev.gpu</option>
            <option>ros.dev.gpu</option>
          </select>
        </label>
      </div>
      <Async
        state={signals}
        what="evaluation signals"
        isEmpty={(d) => d.items.length === 0}
        empty="No evaluation has finished yet (runs are scheduled, and triggered every N completed jobs)."
      >
        {(d) => {
          const slices = d.items.filter((s) => s.job_label === '');
          return (
            <>
              <p className="muted">
                Evaluation window {fmtTime(d.window_start)} → {fmtTime(d.window_end)}
              </p>
              <Section title="Success rate per role, environment and variant">
                <BarChart
                  title="Success rate with 95% interval"
                  max={1}
                  format={(n) => `${Math.round(n * 100)}%`}
                  points={slices.map((s) => ({
                    label: label(s),
                    value: s.success_rate,
                    low: s.success_rate_ci_low,
                    high: s.success_rate_ci_high,
                  }))}
                />
              </Section>
              <Section title="Latency p90 per slice">
                <BarChart
                  title="Latency p90 (seconds)"
                  format={(n) => `${fmtNum(n)} s`}
                  points={slices.map((s) => ({ label: label(s), value: (s.latency_p90_ms ?? 0) / 1000 }))}
                />
              </Section>
              <Section title="Signals">
                <table>
                  <thead>
                    <tr>
                      <th>Slice</th>
                      <th>Model</th>
                      <th>Runs</th>
                      <th>Success</th>
                      <th>p90 / p99</th>
                      <th>Tokens per success</th>
                      <th>Signal</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.items.map((s, i) => (
                      <tr key={i}>
                        <td>
                          {label(s)}
                          {s.job_label ? ` · ${s.job_label}` : ''}
                        </td>
                        <td>{s.model}</td>
                        <td>{s.runs}</td>
                        <td>
                          {Math.round(s.success_rate * 100)}% [{Math.round(s.success_rate_ci_low * 100)}–
                          {Math.round(s.success_rate_ci_high * 100)}]{s.small_sample ? ' (small sample)' : ''}
                        </td>
                        <td>
                          {s.latency_p90_ms === null ? '–' : `${fmtNum(s.latency_p90_ms / 1000)} s`} /{' '}
                          {s.latency_p99_ms === null ? '–' : `${fmtNum(s.latency_p99_ms / 1000)} s`}
                        </td>
                        <td>{fmtNum(s.tokens_per_success)}</td>
                        <td>{s.text}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Section>
            </>
          );
        }}
      </Async>
    </>
  );
}
