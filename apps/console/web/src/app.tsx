// The shell: sign-in when nobody is signed in (then back to the URL asked for), else the navigation,
// the tenant picker and the page of the current URL.
import { useEffect, useRef, type ReactNode } from 'react';
import { api } from './api';
import { Link, match, setQuery, useLocation } from './router';
import { useSession } from './session';
import type { Page, Tenant } from './types';
import { useAsync, useTenantHref, useTenantId } from './ui';
import { ActivityPage } from './pages/activity';
import { AlertsPage } from './pages/alerts';
import { EvaluationPage } from './pages/evaluation';
import { GatesPage } from './pages/gates';
import { JobTracePage } from './pages/job-trace';
import { ModelsPage } from './pages/models';
import { OverviewPage } from './pages/overview';
import { ScopesPage } from './pages/scopes';
import { SessionReplayPage } from './pages/session-replay';
import { SignInPage } from './pages/sign-in';
import { SpendPage } from './pages/spend';
import { TenantPage } from './pages/tenant';

const NAV: { path: string; label: string }[] = [
  { path: '/', label: 'Overview' },
  { path: '/tenant', label: 'Tenant' },
  { path: '/spend', label: 'Spend' },
  { path: '/activity', label: 'Activity' },
  { path: '/scopes', label: 'Tool scopes' },
  { path: '/gates', label: 'Actuation gates' },
  { path: '/models', label: 'Models & experiments' },
  { path: '/evaluation', label: 'Evaluation' },
  { path: '/alerts', label: 'Alerts' },
];

function route(path: string): { title: string; node: ReactNode } {
  const routes: [string, string, (p: Record<string, string>) => ReactNode][] = [
    ['/', 'Overview', () => <OverviewPage />],
    ['/tenant', 'Tenant', () => <TenantPage />],
    ['/spend', 'Spend', () => <SpendPage />],
    ['/activity', 'Activity', () => <ActivityPage />],
    ['/jobs/:jobId/trace', 'Job trace', (p) => <JobTracePage jobId={p.jobId!} />],
    ['/sessions/:sessionId/replay', 'Session replay', (p) => <SessionReplayPage sessionId={p.sessionId!} />],
    ['/scopes', 'Tool scopes', () => <ScopesPage />],
    ['/gates', 'Actuation gates', () => <GatesPage />],
    ['/models', 'Models & experiments', () => <ModelsPage />],
    ['/evaluation', 'Evaluation signals', () => <EvaluationPage />],
    ['/alerts', 'Alerts', () => <AlertsPage />],
  ];
  for (const [pattern, title, render] of routes) {
    const params = match(pattern, path);
    if (params) return { title, node: render(params) };
  }
  return { title: 'Not found', node: <p className="empty">There is no page at {path}.</p> };
}

function TenantPicker() {
  const { session } = useSession();
  const tenantId = useTenantId();
  const tenants = useAsync(
    async () => api<Page<Tenant>>('tenant-registry', '/api/v1/tenants', { query: { limit: 200 } }),
    [],
  );
  if (tenants.status !== 'ok') return null;
  const items = tenants.data.items;
  if (items.length <= 1 && !session?.me.tenant.is_platform)
    return <span className="tenant-name">{session?.me.tenant.name}</span>;
  return (
    <label className="tenant-picker">
      Tenant{' '}
      <select
        value={tenantId}
        onChange={(e) =>
          setQuery({ tenant: e.target.value === session?.me.tenant.id ? undefined : e.target.value })
        }
      >
        {items.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} ({t.slug})
          </option>
        ))}
      </select>
    </label>
  );
}

export function App() {
  const { session, signOut } = useSession();
  const loc = useLocation();
  const href = useTenantHref();
  const main = useRef<HTMLElement>(null);
  const { title, node } = route(loc.path);

  useEffect(() => {
    document.title = `${title} · Auraison console`;
    // Keyboard and screen-reader users land on the new page's content.
    main.current?.focus();
  }, [title, loc.path]);

  if (!session) return <SignInPage />;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Auraison</span>
        <TenantPicker />
        <span className="who">
          {session.me.display_name} · {session.me.roles.join(', ')}
        </span>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <nav aria-label="Pages" className="side">
        <ul>
          {NAV.map((n) => {
            const active = n.path === '/' ? loc.path === '/' : loc.path.startsWith(n.path);
            return (
              <li key={n.path}>
                <Link to={href(n.path)} aria-current={active ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        <h1>{title}</h1>
        {node}
      </main>
    </div>
  );
}
