// Building blocks every page uses: data loading with loading/empty/error states, tables, bars, charts
// (hand-made SVG) and a confirmation dialog.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from './api';
import { useLocation } from './router';
import { useSession } from './session';

export type AsyncState<T> =
  | { status: 'loading'; data?: undefined; error?: undefined }
  | { status: 'error'; data?: undefined; error: Error }
  | { status: 'ok'; data: T; error?: undefined };

export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    load().then(
      (data) => live && setState({ status: 'ok', data }),
      (error: unknown) =>
        live &&
        setState({ status: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ error, retry }: { error: Error; retry?: () => void }) {
  const status = error instanceof ApiError ? error.status : undefined;
  const hint =
    status === 403
      ? 'Your role may not see this.'
      : status === 404
        ? 'Not found (or not in this tenant).'
        : status === 502 || status === 504 || status === 0
          ? 'A service of the plane is down or slow.'
          : undefined;
  return (
    <div className="error" role="alert">
      <strong>Could not load{status ? ` (HTTP ${status})` : ''}:</strong> {error.message}
      {hint && <div className="hint">{hint}</div>}
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** Renders loading / error / empty / data for one request. */
export function Async<T>({
  state,
  what,
  isEmpty,
  empty,
  children,
}: {
  state: AsyncState<T> & { reload: () => void };
  what: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (state.status === 'loading') return <Loading what={what} />;
  if (state.status === 'error') return <ErrorBox error={state.error} retry={state.reload} />;
  if (isEmpty?.(state.data)) return <Empty>{empty ?? `No ${what} yet.`}</Empty>;
  return <>{children(state.data)}</>;
}

export function Section({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="card">
      <header className="card-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function Stat({ label, value, sub }: { label: string; value: ReactNode; sub?: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub && <div className="stat-sub">{sub}</div>}
    </div>
  );
}

export function UsageBar({
  label,
  used,
  limit,
  reserved = 0,
  unit,
}: {
  label: string;
  used: number;
  limit: number;
  reserved?: number;
  unit: string;
}) {
  const pct = limit > 0 ? Math.min(100, (used / limit) * 100) : 0;
  const rpct = limit > 0 ? Math.min(100 - pct, (reserved / limit) * 100) : 0;
  return (
    <div className="usage">
      <div className="usage-label">
        <span>{label}</span>
        <span>
          {fmtNum(used)} used{reserved > 0 ? ` + ${fmtNum(reserved)} reserved` : ''} of{' '}
          {limit > 0 ? fmtNum(limit) : '∞'} {unit}
        </span>
      </div>
      <div
        className="bar"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={used}
      >
        <div className={`bar-fill ${pct > 90 ? 'hot' : ''}`} style={{ width: `${pct}%` }} />
        <div className="bar-reserved" style={{ width: `${rpct}%` }} />
      </div>
    </div>
  );
}

export interface Point {
  label: string;
  value: number;
  low?: number;
  high?: number;
}

/** Vertical bars with labels; optional error whiskers (confidence intervals). */
export function BarChart({
  points,
  title,
  format = fmtNum,
  max,
}: {
  points: Point[];
  title: string;
  format?: (n: number) => string;
  max?: number;
}) {
  const w = 640;
  const h = 220;
  const pad = { l: 56, r: 12, t: 12, b: 48 };
  const top = max ?? Math.max(1e-9, ...points.map((p) => Math.max(p.value, p.high ?? 0)));
  const bw = (w - pad.l - pad.r) / Math.max(1, points.length);
  const y = (v: number) => pad.t + (h - pad.t - pad.b) * (1 - v / top);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={title}>
        <title>{title}</title>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={pad.l} x2={w - pad.r} y1={y(top * f)} y2={y(top * f)} className="grid" />
            <text x={pad.l - 6} y={y(top * f) + 4} textAnchor="end" className="axis">
              {format(top * f)}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const x = pad.l + i * bw + bw * 0.15;
          return (
            <g key={`${p.label}-${i}`}>
              <rect
                x={x}
                y={y(p.value)}
                width={bw * 0.7}
                height={Math.max(0, h - pad.b - y(p.value))}
                className="bar-rect"
              >
                <title>{`${p.label}: ${format(p.value)}`}</title>
              </rect>
              {p.low !== undefined && p.high !== undefined && (
                <line
                  x1={x + bw * 0.35}
                  x2={x + bw * 0.35}
                  y1={y(p.low)}
                  y2={y(p.high)}
                  className="whisker"
                />
              )}
              <text x={x + bw * 0.35} y={h - pad.b + 14} textAnchor="middle" className="axis">
                {p.label.length > 14 ? `${p.label.slice(0, 13)}…` : p.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      aria-labelledby={titleId}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/** The tenant the pages show: ?tenant= when given (platform admins pick one), else the caller's. */
export function useTenantId(): string {
  const { query } = useLocation();
  const { session } = useSession();
  return query.get('tenant') ?? session?.me.tenant.id ?? '';
}

/** A link target that keeps the selected tenant. */
export function useTenantHref(): (path: string, query?: Record<string, string | undefined>) => string {
  const { query } = useLocation();
  const tenant = query.get('tenant');
  return (path, extra = {}) => {
    const q = new URLSearchParams();
    if (tenant) q.set('tenant', tenant);
    for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
    const qs = q.toString();
    return qs ? `${path}?${qs}` : path;
  };
}

export function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 1000) return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function fmtUsd(amount: string | number | null | undefined): string {
  if (amount === null || amount === undefined) return '–';
  const n = typeof amount === 'number' ? amount : Number(amount);
  return n.toLocaleString('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: n !== 0 && Math.abs(n) < 0.01 ? 6 : 2,
  });
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
}

export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Text of an event field as stored (strings and numbers as they are, anything else empty). */
export function str(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : '';
}
