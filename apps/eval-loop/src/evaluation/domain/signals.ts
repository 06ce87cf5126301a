// From job outcomes to evaluation signals: slices (role x environment x model x variant x job label),
// rates with Wilson intervals, latency percentiles, tokens and cost per success, W&B metric deltas and
// experiment comparisons, each with a sentence a person can read. Pure: no I/O.
import { percentileSorted, twoProportionTest, wilsonInterval } from './statistics.js';

export type JobStatus = 'succeeded' | 'failed' | 'stopped';

/** One terminal execution of the window with what is known about it. */
export interface JobOutcome {
  jobId: string;
  tenantId: string;
  agentRole: string;
  environment: string;
  model: string;
  variant: string;
  experimentId: string;
  /** Label values by key (e.g. job_kind=lakehouse). */
  labels: Readonly<Record<string, string>>;
  status: JobStatus;
  /** End minus start of the execution, ms; undefined when the events do not say. */
  durationMs?: number;
  /** Tokens (in + out) of the agent invocations that touched the job. */
  tokens: number;
  /** Cost of the job in micro-units (billing), when known. */
  costMicros?: bigint;
  /** W&B summary metrics of the job's runs (numeric only), when known. */
  wandb?: Readonly<Record<string, number>>;
}

export interface SliceKey {
  agentRole: string;
  environment: string;
  model: string;
  variant: string;
  /** Value of the label key (e.g. `lakehouse`), or '' for all jobs. */
  jobLabel: string;
}

export interface SignalFigures extends SliceKey {
  runs: number;
  successes: number;
  successRate: number;
  ciLow: number;
  ciHigh: number;
  /** Latency percentiles over the runs whose duration is known; NaN when none is. */
  latencyP50Ms: number;
  latencyP90Ms: number;
  latencyP99Ms: number;
  tokensPerSuccess: number;
  /** Mean cost of the successful jobs whose cost billing knows; null when it knows none. */
  costMicrosPerSuccess: bigint | null;
  /** Mean of each numeric W&B summary metric over the slice's runs. */
  wandbMetrics: Record<string, number>;
  /** wandbMetrics minus the previous window's, for metrics present in both. */
  wandbMetricDeltas: Record<string, number>;
  /** True when runs < the minimum sample size: reported, never alarmed on. */
  smallSample: boolean;
  text: string;
}

/** What is kept of a previous window's slice: enough for W&B deltas. */
export type PreviousSlice = SliceKey & { wandbMetrics: Readonly<Record<string, number>> };

export interface ExperimentFigures {
  experimentId: string;
  agentRole: string;
  controlVariant: string;
  variant: string;
  controlRuns: number;
  controlSuccesses: number;
  variantRuns: number;
  variantSuccesses: number;
  pValue: number;
  verdict: string;
}

export interface SignalOptions {
  /** The label key whose value forms the job-label dimension (default `job_kind`). */
  labelKey?: string;
  /** Below this many runs a slice is a small sample (default 30). */
  minSampleSize?: number;
  /** Significance level of experiment comparisons (default 0.05). */
  alpha?: number;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

export function sliceId(k: SliceKey): string {
  return `${k.agentRole}\u0000${k.environment}\u0000${k.model}\u0000${k.variant}\u0000${k.jobLabel}`;
}

function meanMetrics(outcomes: readonly JobOutcome[]): Record<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const o of outcomes)
    for (const [k, v] of Object.entries(o.wandb ?? {})) {
      if (!Number.isFinite(v)) continue;
      const s = sums.get(k) ?? { sum: 0, n: 0 };
      s.sum += v;
      s.n += 1;
      sums.set(k, s);
    }
  return Object.fromEntries([...sums].map(([k, s]) => [k, s.sum / s.n]));
}

export function sliceText(s: Omit<SignalFigures, 'text'>): string {
  const where = `${s.agentRole} on ${s.environment}${s.variant ? ` (variant ${s.variant})` : ''}`;
  const jobs = s.jobLabel ? ` for ${s.jobLabel} jobs` : '';
  if (s.runs === 0) return `${where}: no finished jobs${jobs}`;
  const failure = 1 - s.successRate;
  const ci = `95% CI ${pct(1 - s.ciHigh).replace('%', '')}-${pct(1 - s.ciLow)}`;
  const text = `${where}: ${pct(failure)} failure rate${jobs} (n=${s.runs}, ${ci})`;
  return s.smallSample ? `${text}; small sample, not conclusive` : text;
}

interface Group {
  key: SliceKey;
  items: JobOutcome[];
}

// One key string per outcome and slice, and no object per outcome: this runs over every outcome of
// the window (a million in a day of a busy tenant).
function groupBySlice(list: readonly JobOutcome[], labelKey: string): Map<string, Group> {
  const groups = new Map<string, Group>();
  const add = (o: JobOutcome, jobLabel: string): void => {
    const id = `${o.agentRole}\u0000${o.environment}\u0000${o.model}\u0000${o.variant}\u0000${jobLabel}`;
    let g = groups.get(id);
    if (!g) {
      const key = {
        agentRole: o.agentRole,
        environment: o.environment,
        model: o.model,
        variant: o.variant,
        jobLabel,
      };
      groups.set(id, (g = { key, items: [] }));
    }
    g.items.push(o);
  };
  for (const o of list) {
    add(o, '');
    const label = o.labels[labelKey];
    if (label) add(o, label);
  }
  return groups;
}

function figuresOf(key: SliceKey, items: readonly JobOutcome[], minSample: number): SignalFigures {
  let successes = 0;
  let tokens = 0;
  let cost = 0n;
  let costed = 0;
  const durations: number[] = [];
  for (const o of items) {
    if (o.durationMs !== undefined && Number.isFinite(o.durationMs)) durations.push(o.durationMs);
    if (o.status !== 'succeeded') continue;
    successes++;
    tokens += o.tokens;
    if (o.costMicros !== undefined) {
      cost += o.costMicros;
      costed++;
    }
  }
  const sorted = Float64Array.from(durations).sort();
  const ci = wilsonInterval(successes, items.length);
  const figures = {
    ...key,
    runs: items.length,
    successes,
    successRate: items.length ? successes / items.length : 0,
    ciLow: ci.low,
    ciHigh: ci.high,
    latencyP50Ms: percentileSorted(sorted, 50),
    latencyP90Ms: percentileSorted(sorted, 90),
    latencyP99Ms: percentileSorted(sorted, 99),
    tokensPerSuccess: successes ? tokens / successes : 0,
    costMicrosPerSuccess: costed ? cost / BigInt(costed) : null,
    wandbMetrics: meanMetrics(items),
    wandbMetricDeltas: {},
    smallSample: items.length < minSample,
  };
  return { ...figures, text: sliceText(figures) };
}

/**
 * Signals for every slice present in `outcomes`; W&B deltas against `previous` (the slices of the
 * previous window, matched by slice).
 */
export function computeSignals(
  outcomes: readonly JobOutcome[],
  previous: readonly PreviousSlice[] = [],
  options: SignalOptions = {},
): SignalFigures[] {
  const labelKey = options.labelKey ?? 'job_kind';
  const minSample = options.minSampleSize ?? 30;
  const before = new Map(previous.map((p) => [sliceId(p), p.wandbMetrics]));
  const signals: SignalFigures[] = [];
  for (const [id, { key, items }] of groupBySlice(outcomes, labelKey)) {
    const figures = figuresOf(key, items, minSample);
    const then = before.get(id) ?? {};
    figures.wandbMetricDeltas = Object.fromEntries(
      Object.keys(figures.wandbMetrics)
        .filter((k) => k in then)
        .map((k) => [k, figures.wandbMetrics[k]! - then[k]!]),
    );
    signals.push(figures);
  }
  // Code-unit order (not locale order, which ignores the separators): the same slices, the same order.
  const order = (x: SignalFigures, y: SignalFigures): number => {
    const [a, b] = [sliceId(x), sliceId(y)];
    return a < b ? -1 : a > b ? 1 : 0;
  };
  return signals.sort(order);
}

/** Each variant of each experiment against its control (`control`, else the first variant by name). */
export function compareExperiments(
  outcomes: readonly JobOutcome[],
  options: SignalOptions = {},
): ExperimentFigures[] {
  const minSample = options.minSampleSize ?? 30;
  const alpha = options.alpha ?? 0.05;
  // experiment x role -> variant -> counts
  const experiments = new Map<
    string,
    { experimentId: string; agentRole: string; arms: Map<string, { runs: number; successes: number }> }
  >();
  for (const o of outcomes) {
    if (!o.experimentId || !o.variant) continue;
    const id = `${o.experimentId}\u0000${o.agentRole}`;
    let e = experiments.get(id);
    if (!e)
      experiments.set(id, (e = { experimentId: o.experimentId, agentRole: o.agentRole, arms: new Map() }));
    let arm = e.arms.get(o.variant);
    if (!arm) e.arms.set(o.variant, (arm = { runs: 0, successes: 0 }));
    arm.runs += 1;
    if (o.status === 'succeeded') arm.successes += 1;
  }
  const out: ExperimentFigures[] = [];
  const ordered = [...experiments.values()].sort(
    (a, b) => a.experimentId.localeCompare(b.experimentId) || a.agentRole.localeCompare(b.agentRole),
  );
  for (const { experimentId, agentRole, arms } of ordered) {
    const names = [...arms.keys()].sort();
    const control = names.includes('control') ? 'control' : names[0]!;
    const c = arms.get(control)!;
    for (const variant of names.filter((n) => n !== control)) {
      const v = arms.get(variant)!;
      const test = twoProportionTest(c.successes, c.runs, v.successes, v.runs);
      const p = test.pValue < 0.0001 ? 'p<0.0001' : `p=${test.pValue.toPrecision(2)}`;
      const rates = `success ${pct(v.successes / v.runs)} vs ${pct(c.successes / c.runs)}, ${p}`;
      let verdict: string;
      if (c.runs < minSample || v.runs < minSample)
        verdict = `not enough runs yet to compare ${variant} with ${control} (${v.runs} and ${c.runs}; need ${minSample} each)`;
      else if (test.pValue < alpha)
        verdict = `${variant} is ${test.difference > 0 ? 'better' : 'worse'} than ${control} (${rates})`;
      else verdict = `no significant difference between ${variant} and ${control} (${rates})`;
      out.push({
        experimentId,
        agentRole,
        controlVariant: control,
        variant,
        controlRuns: c.runs,
        controlSuccesses: c.successes,
        variantRuns: v.runs,
        variantSuccesses: v.successes,
        pValue: test.pValue,
        verdict,
      });
    }
  }
  return out;
}
