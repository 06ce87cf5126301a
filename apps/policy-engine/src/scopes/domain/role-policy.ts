// The policy of an agent role: a default per role (platform-wide) and an optional override per tenant.
// Both are immutable versioned documents. An override can only ADD allow and deny rules to the role's
// default (deny wins), so a deny in a default holds for every tenant; it may replace the limits, the
// model and the rate limits.
import { parseRule, RuleError, type ToolRule } from './rule.js';

/** Per minute, per tenant and role; 0 means no limit. */
export interface RateLimits {
  /** Agent spawns (GetAgentConfig calls). */
  invocationsPerMinute: number;
  /** Job admissions (AdmitJob calls). */
  admissionsPerMinute: number;
  /** Tokens (input + output) reported by the role's agent events. */
  tokensPerMinute: number;
}

export const NO_RATE_LIMITS: RateLimits = {
  invocationsPerMinute: 0,
  admissionsPerMinute: 0,
  tokensPerMinute: 0,
};

/** A role's default policy: every field set. */
export interface RoleDefaults {
  allow: string[];
  deny: string[];
  /** Longest an agent run may take. */
  maxDurationS: number;
  /** `--max-turns`; 0 = no limit. */
  maxTurns: number;
  model: string;
  rateLimits: RateLimits;
}

/** A tenant's override of one role: extra rules, and whatever it replaces. */
export interface RoleOverride {
  allow: string[];
  deny: string[];
  maxDurationS?: number;
  maxTurns?: number;
  model?: string;
  rateLimits?: Partial<RateLimits>;
}

export type PolicyDocument = RoleDefaults | RoleOverride;

export const LIMITS = {
  rulesPerList: 200,
  maxDurationS: 7 * 24 * 3600,
  maxTurns: 10_000,
  perMinute: 1_000_000_000,
} as const;

export const AGENT_ROLE = /^[a-z][a-z0-9_.-]{0,63}$/;
const MODEL = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$/;

/** A problem with one field of a document, named as the API names it (`allow[2]`, `max_turns`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Parses every rule (canonical form, duplicates dropped); problems name the rule and its position. */
export function parseRules(field: string, rules: readonly string[], problems: FieldProblem[]): ToolRule[] {
  if (rules.length > LIMITS.rulesPerList)
    problems.push({ field, message: `${field} has ${rules.length} rules; at most ${LIMITS.rulesPerList}` });
  const seen = new Set<string>();
  const out: ToolRule[] = [];
  rules.forEach((text, i) => {
    try {
      const rule = parseRule(text);
      if (!seen.has(rule.text)) {
        seen.add(rule.text);
        out.push(rule);
      }
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      problems.push({ field: `${field}[${i}]`, message: `${field}[${i}]: ${e.message}` });
    }
  });
  return out;
}

function integer(
  field: string,
  value: number | undefined,
  min: number,
  max: number,
  problems: FieldProblem[],
) {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max)
    problems.push({ field, message: `${field} must be an integer from ${min} to ${max} (got ${value})` });
}

function rateLimits(limits: Partial<RateLimits> | undefined, problems: FieldProblem[]): void {
  if (!limits) return;
  integer('rate_limits.invocations_per_minute', limits.invocationsPerMinute, 0, LIMITS.perMinute, problems);
  integer('rate_limits.admissions_per_minute', limits.admissionsPerMinute, 0, LIMITS.perMinute, problems);
  integer('rate_limits.tokens_per_minute', limits.tokensPerMinute, 0, LIMITS.perMinute, problems);
}

function model(value: string | undefined, problems: FieldProblem[]): void {
  if (value !== undefined && !MODEL.test(value))
    problems.push({
      field: 'model',
      message: `model ${JSON.stringify(value)} is not a model id (e.g. claude-sonnet-4-5)`,
    });
}

/** The defaults with rules in canonical form, or the problems found. */
export function normalizeDefaults(doc: RoleDefaults): { doc: RoleDefaults; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const allow = parseRules('allow', doc.allow, problems);
  const deny = parseRules('deny', doc.deny, problems);
  integer('max_duration_s', doc.maxDurationS, 1, LIMITS.maxDurationS, problems);
  integer('max_turns', doc.maxTurns, 0, LIMITS.maxTurns, problems);
  model(doc.model, problems);
  rateLimits(doc.rateLimits, problems);
  return {
    doc: {
      ...doc,
      allow: allow.map((r) => r.text),
      deny: deny.map((r) => r.text),
      rateLimits: { ...doc.rateLimits },
    },
    problems,
  };
}

/** The override with rules in canonical form, or the problems found. */
export function normalizeOverride(doc: RoleOverride): { doc: RoleOverride; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const allow = parseRules('allow', doc.allow, problems);
  const deny = parseRules('deny', doc.deny, problems);
  integer('max_duration_s', doc.maxDurationS, 1, LIMITS.maxDurationS, problems);
  integer('max_turns', doc.maxTurns, 0, LIMITS.maxTurns, problems);
  model(doc.model, problems);
  rateLimits(doc.rateLimits, problems);
  const out: RoleOverride = { allow: allow.map((r) => r.text), deny: deny.map((r) => r.text) };
  if (doc.maxDurationS !== undefined) out.maxDurationS = doc.maxDurationS;
  if (doc.maxTurns !== undefined) out.maxTurns = doc.maxTurns;
  if (doc.model !== undefined) out.model = doc.model;
  if (doc.rateLimits && Object.keys(doc.rateLimits).length > 0) out.rateLimits = { ...doc.rateLimits };
  return { doc: out, problems };
}

/** What changed between two versions, as kept with every version. */
export interface PolicyDiff {
  allow: { added: string[]; removed: string[] };
  deny: { added: string[]; removed: string[] };
  /** Other fields that changed: field → [before, after] (null when absent). */
  changed: Record<string, [unknown, unknown]>;
}

function flat(doc: PolicyDocument | null): Record<string, unknown> {
  if (!doc) return {};
  const out: Record<string, unknown> = {};
  if (doc.maxDurationS !== undefined) out.max_duration_s = doc.maxDurationS;
  if (doc.maxTurns !== undefined) out.max_turns = doc.maxTurns;
  if (doc.model !== undefined) out.model = doc.model;
  const r = doc.rateLimits;
  if (r?.invocationsPerMinute !== undefined)
    out['rate_limits.invocations_per_minute'] = r.invocationsPerMinute;
  if (r?.admissionsPerMinute !== undefined) out['rate_limits.admissions_per_minute'] = r.admissionsPerMinute;
  if (r?.tokensPerMinute !== undefined) out['rate_limits.tokens_per_minute'] = r.tokensPerMinute;
  return out;
}

export function diffDocuments(before: PolicyDocument | null, after: PolicyDocument | null): PolicyDiff {
  const list = (a: readonly string[] = [], b: readonly string[] = []) => ({
    added: b.filter((x) => !a.includes(x)),
    removed: a.filter((x) => !b.includes(x)),
  });
  const f0 = flat(before);
  const f1 = flat(after);
  const changed: Record<string, [unknown, unknown]> = {};
  for (const key of new Set([...Object.keys(f0), ...Object.keys(f1)]))
    if (f0[key] !== f1[key]) changed[key] = [f0[key] ?? null, f1[key] ?? null];
  return { allow: list(before?.allow, after?.allow), deny: list(before?.deny, after?.deny), changed };
}

export function isEmptyDiff(diff: PolicyDiff): boolean {
  return (
    diff.allow.added.length +
      diff.allow.removed.length +
      diff.deny.added.length +
      diff.deny.removed.length ===
      0 && Object.keys(diff.changed).length === 0
  );
}

/** A role's policy for one tenant: the default with the tenant's override applied. */
export interface EffectivePolicy {
  agentRole: string;
  /** Rules in canonical form: the default's, then the override's additions. */
  allow: string[];
  deny: string[];
  maxDurationS: number;
  maxTurns: number;
  model: string;
  rateLimits: RateLimits;
  defaultVersion: number;
  overrideVersion?: number;
}

export function effectivePolicy(
  agentRole: string,
  defaults: { doc: RoleDefaults; version: number },
  override?: { doc: RoleOverride; version: number },
): EffectivePolicy {
  const d = defaults.doc;
  const o = override?.doc;
  const union = (a: readonly string[], b: readonly string[] = []) => [...new Set([...a, ...b])];
  return {
    agentRole,
    allow: union(d.allow, o?.allow),
    deny: union(d.deny, o?.deny),
    maxDurationS: o?.maxDurationS ?? d.maxDurationS,
    maxTurns: o?.maxTurns ?? d.maxTurns,
    model: o?.model ?? d.model,
    rateLimits: { ...d.rateLimits, ...o?.rateLimits },
    defaultVersion: defaults.version,
    ...(override ? { overrideVersion: override.version } : {}),
  };
}
