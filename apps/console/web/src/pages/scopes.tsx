import { useEffect, useState } from 'react';
import { api } from '../api';
import { diffLists, parseLines, ruleProblem, type ListDiff } from '../rules';
import { setQuery, useLocation } from '../router';
import { useSession } from '../session';
import type { DryRunResult, LockdownStatus, PolicyVersion, TenantRole } from '../types';
import { Async, ConfirmDialog, errorMessage, fmtTime, Section, useAsync, useTenantId } from '../ui';

function DiffView({ label, diff }: { label: string; diff: ListDiff }) {
  if (diff.added.length === 0 && diff.removed.length === 0) return null;
  return (
    <div className="diff" aria-label={`${label} changes`}>
      <strong>{label}</strong>
      {diff.added.map((r) => (
        <div key={`+${r}`} className="add">
          + {r}
        </div>
      ))}
      {diff.removed.map((r) => (
        <div key={`-${r}`} className="del">
          − {r}
        </div>
      ))}
    </div>
  );
}

function RulesField({
  id,
  label,
  value,
  onChange,
  readOnly,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  readOnly: boolean;
}) {
  const problems = parseLines(value)
    .map((r) => [r, ruleProblem(r)] as const)
    .filter(([, p]) => p);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={6}
        value={value}
        readOnly={readOnly}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={problems.length > 0}
        aria-describedby={`${id}-problems`}
        spellCheck={false}
      />
      <ul id={`${id}-problems`} className="problems" aria-live="polite">
        {problems.map(([r, p]) => (
          <li key={r}>
            <code>{r}</code>: {p}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Lockdown({ tenantId }: { tenantId: string }) {
  const { can } = useSession();
  const status = useAsync(
    async () =>
      api<LockdownStatus>('policy-engine', '/api/v1/policy/lockdown', { query: { tenant_id: tenantId } }),
    [tenantId],
  );
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const engaged = status.status === 'ok' && status.data.tenant !== null;
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api('policy-engine', `/api/v1/policy/tenants/${tenantId}/lockdown${engaged ? '/lift' : ''}`, {
        method: 'POST',
        body: { reason },
      });
      setOpen(false);
      setReason('');
      status.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Lockdown">
      <Async state={status} what="lockdown">
        {(s) => (
          <>
            {s.global && (
              <p className="banner danger">
                Global lockdown since {fmtTime(s.global.engaged_at)}: {s.global.reason}
              </p>
            )}
            <p data-testid="lockdown-state">
              {s.tenant ? (
                <>
                  <span className="pill failed">Tenant locked down</span> since {fmtTime(s.tenant.engaged_at)}
                  : {s.tenant.reason}
                </>
              ) : (
                <span className="pill succeeded">Not locked down</span>
              )}
            </p>
            {can('policy:lockdown') ? (
              <button type="button" className={engaged ? undefined : 'danger'} onClick={() => setOpen(true)}>
                {engaged ? 'Lift lockdown…' : 'Engage lockdown…'}
              </button>
            ) : (
              <p className="muted">Your role cannot change the lockdown.</p>
            )}
          </>
        )}
      </Async>
      <ConfirmDialog
        open={open}
        title={engaged ? 'Lift the lockdown?' : 'Lock this tenant down?'}
        confirmLabel={engaged ? 'Lift lockdown' : 'Engage lockdown'}
        busy={busy || reason.trim() === ''}
        onCancel={() => setOpen(false)}
        onConfirm={() => void confirm()}
      >
        <p>
          {engaged
            ? 'Agents get their normal tool scopes back.'
            : 'Every agent of this tenant loses every tool at its next policy check.'}
        </p>
        <label htmlFor="lockdown-reason">Reason (kept in the audit log)</label>
        <input id="lockdown-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </ConfirmDialog>
    </Section>
  );
}

function History({
  tenantId,
  role,
  canWrite,
  onChanged,
  tick,
}: {
  tenantId: string;
  role: string;
  canWrite: boolean;
  onChanged: () => void;
  tick: number;
}) {
  const history = useAsync(
    async () =>
      api<{ items: PolicyVersion[] }>(
        'policy-engine',
        `/api/v1/policy/tenants/${tenantId}/roles/${role}/history`,
        { query: { limit: 20 } },
      ),
    [tenantId, role, tick],
  );
  const [target, setTarget] = useState<number>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const rollback = async () => {
    setError(undefined);
    try {
      await api('policy-engine', `/api/v1/policy/tenants/${tenantId}/roles/${role}/rollback`, {
        method: 'POST',
        body: { version: target, reason },
      });
      setTarget(undefined);
      setReason('');
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Section title="History">
      <Async
        state={history}
        what="history"
        isEmpty={(d) => d.items.length === 0}
        empty="This tenant has never overridden this role."
      >
        {(d) => (
          <table>
            <thead>
              <tr>
                <th>Version</th>
                <th>When</th>
                <th>Reason</th>
                <th>Change</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.items.map((v, i) => (
                <tr key={v.version}>
                  <td>v{v.version}</td>
                  <td>{fmtTime(v.created_at)}</td>
                  <td>
                    {v.reason}
                    {v.rollback_of !== null && <span className="muted"> (rollback to v{v.rollback_of})</span>}
                  </td>
                  <td className="diff-cell">
                    {[
                      ...v.diff.allow.added.map((r) => `+allow ${r}`),
                      ...v.diff.allow.removed.map((r) => `−allow ${r}`),
                      ...v.diff.deny.added.map((r) => `+deny ${r}`),
                      ...v.diff.deny.removed.map((r) => `−deny ${r}`),
                    ].join(', ') || (v.document ? 'settings' : 'override removed')}
                  </td>
                  <td>
                    {canWrite && i > 0 && (
                      <button type="button" onClick={() => setTarget(v.version)}>
                        Roll back to v{v.version}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Async>
      <ConfirmDialog
        open={target !== undefined}
        title={`Roll back to v${target ?? ''}?`}
        confirmLabel="Roll back"
        busy={reason.trim() === ''}
        onCancel={() => setTarget(undefined)}
        onConfirm={() => void rollback()}
      >
        <p>The rollback is a new version with the rules of v{target}.</p>
        <label htmlFor="rollback-reason">Reason</label>
        <input id="rollback-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </ConfirmDialog>
    </Section>
  );
}

function Editor({
  tenantId,
  role,
  view,
  canWrite,
  onSaved,
}: {
  tenantId: string;
  role: string;
  view: TenantRole;
  canWrite: boolean;
  onSaved: () => void;
}) {
  const current = view.override?.document ?? { allow: [], deny: [] };
  const [allow, setAllow] = useState(current.allow.join('\n'));
  const [deny, setDeny] = useState(current.deny.join('\n'));
  const [reason, setReason] = useState('');
  const [reviewing, setReviewing] = useState(false);
  const [error, setError] = useState<string>();
  const [dry, setDry] = useState<DryRunResult>();
  useEffect(() => {
    setAllow(current.allow.join('\n'));
    setDeny(current.deny.join('\n'));
    setReviewing(false);
  }, [view.override?.version, role, tenantId]);
  const allowList = parseLines(allow);
  const denyList = parseLines(deny);
  const invalid = [...allowList, ...denyList].some((r) => ruleProblem(r));
  const allowDiff = diffLists(current.allow, allowList);
  const denyDiff = diffLists(current.deny, denyList);
  const changed =
    allowDiff.added.length + allowDiff.removed.length + denyDiff.added.length + denyDiff.removed.length > 0;
  const save = async () => {
    setError(undefined);
    try {
      await api('policy-engine', `/api/v1/policy/tenants/${tenantId}/roles/${role}`, {
        method: 'PUT',
        body: { allow: allowList, deny: denyList, reason },
      });
      setReason('');
      setReviewing(false);
      onSaved();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const dryRun = async () => {
    setError(undefined);
    try {
      setDry(
        await api<DryRunResult>('policy-engine', `/api/v1/policy/tenants/${tenantId}/roles/${role}/dry-run`, {
          method: 'POST',
          body: { allow: allowList, deny: denyList },
        }),
      );
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Section title={`Override for ${role}${view.override ? ` (v${view.override.version})` : ''}`}>
      <p className="muted">
        Rules here are added to the role's default. One rule per line, Claude Code permission-rule syntax.
      </p>
      {!canWrite && <p className="banner">Read only: your role cannot change tool scopes.</p>}
      <div className="two-col">
        <RulesField
          id="allow-rules"
          label="Allow rules"
          value={allow}
          onChange={setAllow}
          readOnly={!canWrite}
        />
        <RulesField id="deny-rules" label="Deny rules" value={deny} onChange={setDeny} readOnly={!canWrite} />
      </div>
      <div className="actions">
        <button type="button" onClick={() => void dryRun()} disabled={invalid}>
          Dry run against recorded calls
        </button>
        {canWrite && (
          <button type="button" onClick={() => setReviewing(true)} disabled={invalid || !changed}>
            Review changes
          </button>
        )}
      </div>
      {reviewing && canWrite && (
        <div className="review" role="region" aria-label="Review">
          <h3>Changes</h3>
          <DiffView label="Allow" diff={allowDiff} />
          <DiffView label="Deny" diff={denyDiff} />
          <label htmlFor="save-reason">Reason</label>
          <input id="save-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          <div className="actions">
            <button type="button" onClick={() => setReviewing(false)}>
              Back
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => void save()}
              disabled={reason.trim() === ''}
            >
              Save new version
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {dry && (
        <div className="dry-run" role="status">
          <h3>Dry run</h3>
          <p>
            {dry.evaluated} recorded call(s) evaluated: {dry.denied_count} would be denied (
            {dry.newly_denied_count} newly), {dry.newly_allowed_count} newly allowed
            {dry.truncated ? ' (truncated)' : ''}.
          </p>
          {dry.denied.length > 0 && (
            <ul>
              {dry.denied.slice(0, 20).map((d) => (
                <li key={`${d.event_id}-${d.tool}-${d.timestamp}`}>
                  <code>{d.tool}</code> {d.rule ? `by ${d.rule}` : ''}: {d.reason}
                  {d.denied_now ? '' : ' (new)'}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <h3>Effective scope now</h3>
      <dl className="facts">
        <dt>--allowedTools</dt>
        <dd>
          <code>{view.scope.allowed_tools || '(none)'}</code>
        </dd>
        <dt>--disallowedTools</dt>
        <dd>
          <code>{view.scope.disallowed_tools || '(none)'}</code>
        </dd>
        <dt>Model</dt>
        <dd>{view.effective.model}</dd>
        <dt>Max duration</dt>
        <dd>{view.effective.max_duration_s} s</dd>
        <dt>Scope version</dt>
        <dd>{view.scope.scope_version}</dd>
      </dl>
    </Section>
  );
}

export function ScopesPage() {
  const tenantId = useTenantId();
  const { can } = useSession();
  const { query } = useLocation();
  const roles = useAsync(
    async () => api<{ items: PolicyVersion[] }>('policy-engine', '/api/v1/policy/roles'),
    [],
  );
  const role =
    query.get('role') ?? (roles.status === 'ok' ? roles.data.items[0]?.agent_role : undefined) ?? '';
  const [tick, setTick] = useState(0);
  const view = useAsync(
    async () =>
      role ? api<TenantRole>('policy-engine', `/api/v1/policy/tenants/${tenantId}/roles/${role}`) : undefined,
    [tenantId, role, tick],
  );
  const canWrite = can('policy:write');
  return (
    <>
      <Async state={roles} what="roles" isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <div className="toolbar">
            <label>
              Agent role{' '}
              <select value={role} onChange={(e) => setQuery({ role: e.target.value })}>
                {d.items.map((r) => (
                  <option key={r.agent_role}>{r.agent_role}</option>
                ))}
              </select>
            </label>
          </div>
        )}
      </Async>
      {role && (
        <Async state={view} what="tool scope">
          {(v) =>
            v ? (
              <Editor
                tenantId={tenantId}
                role={role}
                view={v}
                canWrite={canWrite}
                onSaved={() => setTick((t) => t + 1)}
              />
            ) : null
          }
        </Async>
      )}
      {role && (
        <History
          tenantId={tenantId}
          role={role}
          canWrite={canWrite}
          tick={tick}
          onChanged={() => setTick((t) => t + 1)}
        />
      )}
      <Lockdown tenantId={tenantId} />
    </>
  );
}
