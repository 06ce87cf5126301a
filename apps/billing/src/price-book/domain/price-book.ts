// The price book: an append-only list of versions. Each version sets (or withdraws) the rate of one
// model or one environment from an `effective_from` instant; a later version for the same key and the
// same instant replaces the earlier one. The rate in force at time t is the schedule entry with the
// latest effective_from <= t. Versions are never changed or deleted, so every usage line can name the
// version it was priced with and the book as it stood at any version can be rebuilt.

export type RateKind = 'model' | 'gpu';

/** Micro-USD per million tokens, per token class. */
export interface ModelRates {
  readonly input: bigint;
  readonly output: bigint;
  readonly cacheRead: bigint;
  readonly cacheWrite: bigint;
}

export interface PriceVersion {
  /** Global, increasing version number (the row id). */
  readonly version: number;
  readonly kind: RateKind;
  /** Model id (`claude-sonnet-4-5`) or environment name (`torch.dev.gpu`). */
  readonly key: string;
  readonly effectiveFrom: Date;
  /** Set for kind `model` unless withdrawn. */
  readonly model?: ModelRates;
  /** Micro-USD per GPU-hour; set for kind `gpu` unless withdrawn. */
  readonly gpuHour?: bigint;
  /** True when this version removes the schedule entry at effectiveFrom. */
  readonly withdrawn: boolean;
  readonly createdAt: Date;
  readonly createdBy: string;
  readonly reason: string;
}

interface Schedule {
  /** Effective-from instants (ms), ascending. */
  readonly from: number[];
  readonly entries: PriceVersion[];
}

const DATE_SUFFIX = /-\d{8}$/;

/** `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`: the dated snapshot ids Claude Code reports. */
export function modelAlias(model: string): string | undefined {
  return DATE_SUFFIX.test(model) ? model.replace(DATE_SUFFIX, '') : undefined;
}

const scheduleKey = (kind: RateKind, key: string): string => `${kind}\u0000${key}`;

export class PriceBook {
  /** Highest version in the book (0 when empty). */
  readonly version: number;
  private readonly byVersion = new Map<number, PriceVersion>();
  private readonly schedules = new Map<string, Schedule>();
  private readonly modelKeys = new Map<string, string | undefined>();

  constructor(versions: readonly PriceVersion[]) {
    let max = 0;
    const current = new Map<string, PriceVersion>();
    for (const v of [...versions].sort((a, b) => a.version - b.version)) {
      this.byVersion.set(v.version, v);
      max = Math.max(max, v.version);
      current.set(`${scheduleKey(v.kind, v.key)}\u0000${v.effectiveFrom.getTime()}`, v);
    }
    this.version = max;
    const grouped = new Map<string, PriceVersion[]>();
    for (const v of current.values()) {
      if (v.withdrawn) continue;
      const k = scheduleKey(v.kind, v.key);
      grouped.set(k, [...(grouped.get(k) ?? []), v]);
    }
    for (const [k, entries] of grouped) {
      entries.sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime());
      this.schedules.set(k, { from: entries.map((e) => e.effectiveFrom.getTime()), entries });
    }
  }

  static empty(): PriceBook {
    return new PriceBook([]);
  }

  /** The version row, whatever it says (for showing which rate a line used). */
  get(version: number): PriceVersion | undefined {
    return this.byVersion.get(version);
  }

  /** Every version, oldest first. */
  versions(): PriceVersion[] {
    return [...this.byVersion.values()].sort((a, b) => a.version - b.version);
  }

  /** The current schedule of one key, effective_from ascending (withdrawn entries removed). */
  schedule(kind: RateKind, key: string): readonly PriceVersion[] {
    return this.schedules.get(scheduleKey(kind, key))?.entries ?? [];
  }

  /** Every key with a current schedule. */
  keys(kind: RateKind): string[] {
    const prefix = `${kind}\u0000`;
    return [...this.schedules.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length))
      .sort();
  }

  /** The model rate in force at `at` (exact id first, then its undated alias). */
  modelRateAt(model: string, at: Date): PriceVersion | undefined {
    const key = this.resolveModel(model);
    return key === undefined ? undefined : this.rateAt('model', key, at);
  }

  /** The GPU rate of an environment in force at `at`. */
  gpuRateAt(environment: string, at: Date): PriceVersion | undefined {
    return this.rateAt('gpu', environment, at);
  }

  rateAt(kind: RateKind, key: string, at: Date): PriceVersion | undefined {
    const schedule = this.schedules.get(scheduleKey(kind, key));
    if (!schedule) return undefined;
    const t = at.getTime();
    // Last index whose effective_from <= t.
    let lo = 0;
    let hi = schedule.from.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (schedule.from[mid]! <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? undefined : schedule.entries[found];
  }

  private resolveModel(model: string): string | undefined {
    if (this.modelKeys.has(model)) return this.modelKeys.get(model);
    let key: string | undefined;
    if (this.schedules.has(scheduleKey('model', model))) key = model;
    else {
      const alias = modelAlias(model);
      if (alias !== undefined && this.schedules.has(scheduleKey('model', alias))) key = alias;
    }
    if (this.modelKeys.size > 10_000) this.modelKeys.clear();
    this.modelKeys.set(model, key);
    return key;
  }
}
