// From job outcomes to evaluation signals: slices (role x environment x model x variant x job label),
// rates with Wilson intervals, latency percentiles, tokens and cost per success, W&B metric deltas and
// experiment comparisons, each with a sentence a person can read. Pure: no I/O.
import { percentiles, twoProportionTest, wilsonInterval } from './statistics.js';

export type JobStatus = 'succeeded' | 'failed' | 'stopped';

/** One terminal job of the window with what is known about it. */
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
  /** End minus start of the execution, ms. */
  durationMs: number;
  /** Tokens of the agent invocations that touched the job. */
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
  latencyP50Ms: number;
  latencyP90Ms: number;
  latencyP99Ms: number;
  tokensPerSuccess: number;
  costMicrosPerSuccess: bigint;
  wandbMetricDeltas: Record<string, number>;
  /** True when runs < the minimum sample size: reported, never alarmed on. */
  smallSample: boolean;
  text: string;
}

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

function keyOf(k: SliceKey): string {
  return JSON.stringify([k.agentRole, k.environment, k.model, k.variant, k.jobLabel]);
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

/** Signals for every slice present in `outcomes`, compared with `previous` for W&B deltas. */
export function computeSignals(
  outcomes: readonly JobOutcome[],
  previous: readonly JobOutcome[] = [],
  options: SignalOptions = {},
): SignalFigures[] {
  const labelKey = options.labelKey ?? 'job_kind';
  const minSample = options.minSampleSize ?? 30;
  const group = (list: readonly JobOutcome[]): Map<string, { key: SliceKey; items: JobOutcome[] }> => {
    const groups = new Map<string, { key: SliceKey; items: JobOutcome[] }>();
    const add = (key: SliceKey, o: JobOutcome): void => {
      const id = keyOf(key);
      const g = groups.get(id) ?? { key, items: [] };
      g.items.push(o);
      groups.set(id, g);
    };
    for (const o of list) {
      const base = { agentRole: o.agentRole, environment: o.environment, model: o.model, variant: o.variant };
      add({ ...base, jobLabel: '' }, o);
      const label = o.labels[labelKey];
      if (label) add({ ...base, jobLabel: label }, o);
    }
    return groups;
  };
  const before = group(previous);
  const signals: SignalFigures[] = [];
  for (const [id, { key, items }] of group(outcomes)) {
    const successes = items.filter((o) => o.status === 'succeeded');
    const ci = wilsonInterval(successes.length, items.length);
    const [p50, p90, p99] = percentiles(
      items.map((o) => o.durationMs),
      [50, 90, 99],
    ) as [number, number, number];
    const tokens = successes.reduce((t, o) => t + o.tokens, 0);
    const cost = successes.reduce((t, o) => t + (o.costMicros ?? 0n), 0n);
    const now = meanMetrics(items);
    const then = meanMetrics(before.get(id)?.items ?? []);
    const deltas = Object.fromEntries(
      Object.keys(now)
        .filter((k) => k in then)
        .map((k) => [k, now[k]! - then[k]!]),
    );
    const figures = {
      ...key,
      runs: items.length,
      successes: successes.length,
      successRate: successes.length / items.length,
      ciLow: ci.low,
      ciHigh: ci.high,
      latencyP50Ms: p50,
      latencyP90Ms: p90,
      latencyP99Ms: p99,
      tokensPerSuccess: successes.length ? tokens / successes.length : 0,
      costMicrosPerSuccess: successes.length ? cost / BigInt(successes.length) : 0n,
      wandbMetricDeltas: deltas,
      smallSample: items.length < minSample,
    };
    signals.push({ ...figures, text: sliceText(figures) });
  }
  return signals.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

/** Each variant of each experiment against its control (`control`, else the first variant by name). */
export function compareExperiments(
  outcomes: readonly JobOutcome[],
  options: SignalOptions = {},
): ExperimentFigures[] {
  const minSample = options.minSampleSize ?? 30;
  const alpha = options.alpha ?? 0.05;
  const byExperiment = new Map<string, JobOutcome[]>();
  for (const o of outcomes) {
    if (!o.experimentId || !o.variant) continue;
    const id = `${o.experimentId}\u0000${o.agentRole}`;
    byExperiment.set(id, [...(byExperiment.get(id) ?? []), o]);
  }
  const out: ExperimentFigures[] = [];
  for (const items of byExperiment.values()) {
    const { experimentId, agentRole } = items[0]!;
    const arms = new Map<string, { runs: number; successes: number }>();
    for (const o of items) {
      const a = arms.get(o.variant) ?? { runs: 0, successes: 0 };
      a.runs += 1;
      if (o.status === 'succeeded') a.successes += 1;
      arms.set(o.variant, a);
    }
    const names = [...arms.keys()].sort();
    const control = names.includes('control') ? 'control' : names[0]!;
    const c = arms.get(control)!;
    for (const variant of names.filter((n) => n !== control)) {
      const v = arms.get(variant)!;
      const test = twoProportionTest(c.successes, c.runs, v.successes, v.runs);
      const rates = `success ${pct(v.successes / v.runs)} vs ${pct(c.successes / c.runs)}`;
      let verdict: string;
      if (c.runs < minSample || v.runs < minSample)
        verdict = `not enough runs yet to compare ${variant} with ${control} (${v.runs} and ${c.runs}; need ${minSample} each)`;
      else if (test.pValue < alpha)
        verdict = `${variant} is ${test.difference > 0 ? 'better' : 'worse'} than ${control} (${rates}, p=${test.pValue.toPrecision(2)})`;
      else
        verdict = `no significant difference between ${variant} and ${control} (${rates}, p=${test.pValue.toPrecision(2)})`;
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
