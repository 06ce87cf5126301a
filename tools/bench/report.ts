// The benchmark report: the result model, the statistics over repeated runs, and the Markdown and JSON
// renderings of docs/benchmarks.{md,json}. Pure code (no I/O) so it is unit-tested.
import { targetOf } from './targets.js';

/** One measured figure, repeated `samples.length` times. */
export interface BenchResult {
  /** Stable id, used by `baselineId` references and in the JSON (e.g. `js-consume-ack`). */
  id: string;
  title: string;
  /** Unit of every sample, e.g. `msg/s`, `rows/s`, `calls/s`, `ms`. */
  unit: string;
  samples: number[];
  /** How it was measured (payload, concurrency, batch size...), shown next to the figure. */
  conditions: string;
  /** Id of a raw baseline measured in the same run: the report shows `median / baseline median`. */
  baselineId?: string;
}

/** A group of results under one heading, e.g. "Raw baselines". */
export interface ReportSection {
  title: string;
  /** Optional paragraph under the heading. */
  description?: string;
  results: BenchResult[];
}

export interface BenchEnvironment {
  date: string;
  node: string;
  cpuModel: string;
  cores: number;
  natsServer: string;
  postgres: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews figures. */
  loadAverage?: { start: number; end: number };
  gitCommit?: string;
}

export interface BenchReport {
  command: string;
  environment: BenchEnvironment;
  /** Free-form notes (e.g. quick mode, payload fallback) printed under the environment. */
  notes: string[];
  sections: ReportSection[];
}

export interface ResultSummary extends BenchResult {
  median: number;
  min: number;
  max: number;
  /** `median / baseline median`, when `baselineId` names a result present in the report. */
  ratio?: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of values sorted ascending. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no values');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function ratio(value: number, baseline: number): number | undefined {
  return baseline > 0 && Number.isFinite(baseline) ? value / baseline : undefined;
}

/** Medians, spreads and ratios of every result; baselines are looked up across all sections. */
export function summarize(
  sections: readonly ReportSection[],
): Array<{ section: ReportSection; rows: ResultSummary[] }> {
  const medians = new Map<string, number>();
  for (const section of sections) {
    for (const r of section.results) if (r.samples.length > 0) medians.set(r.id, median(r.samples));
  }
  return sections.map((section) => ({
    section,
    rows: section.results.map((r): ResultSummary => {
      const m = medians.get(r.id) ?? Number.NaN;
      const baseline = r.baselineId === undefined ? undefined : medians.get(r.baselineId);
      const rowRatio = baseline === undefined ? undefined : ratio(m, baseline);
      return {
        ...r,
        median: m,
        min: r.samples.length > 0 ? Math.min(...r.samples) : Number.NaN,
        max: r.samples.length > 0 ? Math.max(...r.samples) : Number.NaN,
        ...(rowRatio === undefined ? {} : { ratio: rowRatio }),
      };
    }),
  }));
}

/** Compact human figure: `54.2k` for rates, `8.71` for milliseconds. */
export function formatNumber(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'ms') return value < 10 ? value.toFixed(2) : value.toFixed(1);
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return abs >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export function formatValue(value: number, unit: string): string {
  return `${formatNumber(value, unit)} ${unit}`;
}

export function formatRatio(value: number): string {
  return `${value.toFixed(2)}x`;
}

// Pipes and newlines would break a Markdown table row.
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The table of one section; a "vs baseline" column appears only when some row has a baseline. */
export function renderSectionTable(
  rows: readonly ResultSummary[],
  titles: ReadonlyMap<string, string>,
): string {
  const withRatio = rows.some((r) => r.baselineId !== undefined);
  const withTarget = rows.some((r) => targetOf(r.id) !== undefined);
  const headers = [
    'benchmark',
    'median',
    'min–max',
    'runs',
    ...(withRatio ? ['vs baseline'] : []),
    ...(withTarget ? ['target'] : []),
    'conditions',
  ];
  const body = rows.map((r) => {
    const spread = `${formatNumber(r.min, r.unit)}–${formatNumber(r.max, r.unit)}`;
    const vs =
      r.baselineId === undefined
        ? '—'
        : `${r.ratio === undefined ? 'n/a' : formatRatio(r.ratio)} of ${titles.get(r.baselineId) ?? r.baselineId}`;
    return [
      r.title,
      `**${formatValue(r.median, r.unit)}**`,
      spread,
      String(r.samples.length),
      ...(withRatio ? [vs] : []),
      ...(withTarget ? [targetOf(r.id) ?? '—'] : []),
      r.conditions,
    ];
  });
  return renderTable(headers, body);
}

export function renderMarkdown(report: BenchReport): string {
  const env = report.environment;
  const summaries = summarize(report.sections);
  const titles = new Map(report.sections.flatMap((s) => s.results.map((r) => [r.id, r.title] as const)));
  const out: string[] = [
    '# Benchmarks',
    '',
    `<!-- Generated by \`${report.command}\` (tools/bench). Do not edit by hand: rerun the command. -->`,
    '',
    `Every figure is the **median** of repeated runs on a shared ${env.cores}-core machine, where the`,
    'benchmark client and the server under test (NATS, PostgreSQL, gRPC) compete for the same cores, so',
    'expect ±15% between runs; min–max shows the spread. Absolute numbers only describe this machine:',
    'later benchmarks are quoted as ratios to the raw baselines measured in the same run.',
    '',
    `Reproduce with \`${report.command}\` from the repository root (needs PostgreSQL and a JetStream-enabled`,
    'NATS; `DATABASE_URL` and `NATS_URL` override the local defaults). Raw figures: `docs/benchmarks.json`.',
    '',
    '## Environment',
    '',
    renderTable(
      ['', ''],
      [
        ['date', env.date],
        ['Node.js', env.node],
        ['CPU', `${env.cpuModel} (${env.cores} cores)`],
        ['nats-server', env.natsServer],
        ['PostgreSQL', env.postgres],
        ...(env.loadAverage === undefined
          ? []
          : [
              [
                'load average (1 min)',
                `${env.loadAverage.start.toFixed(2)} before the run, ${env.loadAverage.end.toFixed(2)} at the end (counting the bench itself)`,
              ],
            ]),
        ...(env.gitCommit === undefined ? [] : [['commit', env.gitCommit]]),
      ],
    ),
  ];
  if (report.notes.length > 0) out.push('', ...report.notes.map((n) => `- ${n}`));
  for (const { section, rows } of summaries) {
    out.push('', `## ${section.title}`, '');
    if (section.description !== undefined) out.push(section.description, '');
    out.push(renderSectionTable(rows, titles));
  }
  out.push('');
  return out.join('\n');
}

// Two decimals are well below the noise and keep the JSON readable.
function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Machine-readable form: every sample plus the computed statistics. */
export function renderJson(report: BenchReport): string {
  const sections = summarize(report.sections).map(({ section, rows }) => ({
    title: section.title,
    results: rows.map((r) => ({
      id: r.id,
      title: r.title,
      unit: r.unit,
      median: round(r.median),
      min: round(r.min),
      max: round(r.max),
      samples: r.samples.map(round),
      conditions: r.conditions,
      ...(r.baselineId === undefined
        ? {}
        : {
            baselineId: r.baselineId,
            ratio: r.ratio === undefined ? null : Math.round(r.ratio * 1000) / 1000,
          }),
    })),
  }));
  return `${JSON.stringify({ command: report.command, environment: report.environment, notes: report.notes, sections }, null, 2)}\n`;
}
