// The tool scope an agent is spawned with, resolved in the order of DESIGN §7: the role's default ->
// the tenant's override (effectivePolicy) -> lockdown (global or tenant) -> actuation gates.
import type { EnvironmentName } from '@auraison/contracts';
import type { EffectivePolicy } from './role-policy.js';
import { BUILTIN_TOOLS, parseRule, type ToolRule } from './rule.js';

/** Actuation tools (robot motion), from configuration: rules that only an open gate lets through. */
export class ActuationTools {
  readonly rules: readonly ToolRule[];

  constructor(patterns: readonly string[]) {
    this.rules = patterns.map((p) => parseRule(p));
  }

  /** True when `rule` grants nothing but actuation (it is dropped from a scope whose gate is closed). */
  covers(rule: ToolRule): boolean {
    return this.rules.some((a) => {
      if (a.kind === 'mcp' && rule.kind === 'mcp') {
        if (a.mcpServer !== rule.mcpServer) return false;
        return a.mcpTool === undefined || a.mcpTool === rule.mcpTool;
      }
      return a.text === rule.text;
    });
  }

  /** The actuation rules as deny rules (they also block broader allows such as `mcp__ros`). */
  get texts(): string[] {
    return this.rules.map((r) => r.text);
  }
}

export interface LockdownState {
  /** Version of the global lockdown when one is in force. */
  globalVersion?: number;
  /** Version of the tenant's lockdown when one is in force. */
  tenantVersion?: number;
}

export interface GateState {
  environment: EnvironmentName;
  version: number;
  expiresAt: Date;
}

export interface ResolvedScope {
  allowedRules: string[];
  disallowedRules: string[];
  /** Highest version among everything the answer was resolved from. */
  scopeVersion: number;
  maxDurationS: number;
  lockdown: boolean;
  openActuationGates: EnvironmentName[];
  /** The answer may change at this time without any write (a gate expires). */
  validUntil?: Date;
}

export interface ScopeInputs {
  policy: EffectivePolicy;
  lockdown: LockdownState;
  /** The tenant's gates that are open now. */
  gates: readonly GateState[];
  /** The environment the agent acts on (none: every gate counts as closed). */
  environment?: EnvironmentName;
  actuation: ActuationTools;
  now: Date;
}

export function resolveToolScope(inputs: ScopeInputs): ResolvedScope {
  const { policy, lockdown, actuation, now } = inputs;
  const versions = [policy.defaultVersion, policy.overrideVersion ?? 0];
  const lockdownVersion = Math.max(lockdown.globalVersion ?? 0, lockdown.tenantVersion ?? 0);
  if (lockdownVersion > 0) {
    // Everything off: every built-in tool and every MCP server the role could reach, as deny rules,
    // because tools that need no permission (Read...) would otherwise still run.
    const servers = new Set<string>();
    for (const text of [...policy.allow, ...actuation.texts]) {
      const rule = parseRule(text);
      if (rule.kind === 'mcp') servers.add(rule.tool);
    }
    return {
      allowedRules: [],
      disallowedRules: [...BUILTIN_TOOLS, ...[...servers].sort()],
      scopeVersion: Math.max(...versions, lockdownVersion),
      maxDurationS: policy.maxDurationS,
      lockdown: true,
      openActuationGates: [],
    };
  }
  const gate = inputs.environment
    ? inputs.gates.find((g) => g.environment === inputs.environment && g.expiresAt > now)
    : undefined;
  let allowed = policy.allow;
  let denied = policy.deny;
  if (!gate) {
    allowed = allowed.filter((text) => !actuation.covers(parseRule(text)));
    denied = [...new Set([...denied, ...actuation.texts])];
  }
  // A rule both allowed and denied is denied: say so once.
  allowed = allowed.filter((text) => !denied.includes(text));
  const open = inputs.gates.filter((g) => g.expiresAt > now);
  const nextExpiry = open.map((g) => g.expiresAt.getTime()).sort((a, b) => a - b)[0];
  return {
    allowedRules: allowed,
    disallowedRules: denied,
    scopeVersion: Math.max(...versions, gate?.version ?? 0),
    maxDurationS: policy.maxDurationS,
    lockdown: false,
    openActuationGates: gate ? [gate.environment] : [],
    ...(nextExpiry !== undefined ? { validUntil: new Date(nextExpiry) } : {}),
  };
}

/** `--allowedTools` / `--disallowedTools` value: rules joined with commas. */
export function joinRules(rules: readonly string[]): string {
  return rules.join(',');
}
