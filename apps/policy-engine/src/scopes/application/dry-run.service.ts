// Dry run of a proposed tenant override: replays the role's recorded tool calls of a time range
// (from the observability store) through the scope the proposal would give, next to the scope in
// force, and lists the calls the proposal would have denied. Policy rules only: lockdowns and
// actuation gates are operational states, not part of a proposal.
import { Injectable } from '@nestjs/common';
import type { Principal } from '@auraison/auth';
import { PolicyError } from '../../common/domain/policy-error.js';
import { TenantAccess } from '../../policy/application/tenant-access.js';
import { ScopeMatcher } from '../domain/matcher.js';
import type { PathContext } from '../domain/paths.js';
import {
  effectivePolicy,
  normalizeOverride,
  type EffectivePolicy,
  type RoleOverride,
} from '../domain/role-policy.js';
import { parseRule } from '../domain/rule.js';
import { ObservabilityClient, type RecordedToolCall } from '../persistence/observability.client.js';
import { RolePolicies } from './role-policies.service.js';

export const DRY_RUN_MAX_CALLS = 10_000;
const PAGE = 500;
const LISTED = 500;

export interface DryRunInput {
  proposal: RoleOverride;
  from: Date;
  to: Date;
  maxCalls: number;
  paths: PathContext;
}

export interface DeniedCall {
  call: RecordedToolCall;
  reason: string;
  rule?: string;
  /** The scope in force denies it too. */
  deniedNow: boolean;
}

export interface DryRunResult {
  tenantId: string;
  agentRole: string;
  proposed: EffectivePolicy;
  evaluated: number;
  deniedCount: number;
  newlyDeniedCount: number;
  newlyAllowedCount: number;
  /** More calls were recorded in the range than `maxCalls`. */
  truncated: boolean;
  /** The denied calls (the first 500). */
  denied: DeniedCall[];
}

@Injectable()
export class DryRun {
  constructor(
    private readonly policies: RolePolicies,
    private readonly access: TenantAccess,
    private readonly store: ObservabilityClient,
  ) {}

  async run(
    principal: Principal,
    authorization: string,
    tenantId: string,
    agentRole: string,
    input: DryRunInput,
  ): Promise<DryRunResult> {
    if (!(input.from < input.to)) throw PolicyError.invalid('from', 'from must be before to');
    if (!Number.isInteger(input.maxCalls) || input.maxCalls < 1 || input.maxCalls > DRY_RUN_MAX_CALLS)
      throw PolicyError.invalid('max_calls', `max_calls must be an integer from 1 to ${DRY_RUN_MAX_CALLS}`);
    for (const [field, dir] of Object.entries(input.paths))
      if (dir !== undefined && !String(dir).startsWith('/'))
        throw PolicyError.invalid(
          field === 'projectDir' ? 'project_dir' : 'home_dir',
          'must be an absolute path',
        );
    const { problems, doc } = normalizeOverride(input.proposal);
    if (problems.length > 0)
      throw PolicyError.invalid(problems[0]!.field, problems.map((p) => p.message).join('; '));
    const { scope } = await this.access.resolve(principal, tenantId);
    const view = await this.policies.tenantRole(principal, scope.tenantId, agentRole);
    const defaults = await this.policies.getDefault(agentRole);
    const proposed = effectivePolicy(
      agentRole,
      { doc: defaults.document!, version: defaults.version },
      { doc, version: 0 },
    );
    const matcher = (p: EffectivePolicy) =>
      new ScopeMatcher(p.allow.map(parseRule), p.deny.map(parseRule), input.paths);
    const next = matcher(proposed);
    const now = matcher(view.effective);

    const result: DryRunResult = {
      tenantId: scope.tenantId,
      agentRole,
      proposed,
      evaluated: 0,
      deniedCount: 0,
      newlyDeniedCount: 0,
      newlyAllowedCount: 0,
      truncated: false,
      denied: [],
    };
    let cursor: string | undefined;
    for (;;) {
      const page = await this.store.toolCalls(
        {
          tenantId: scope.tenantId,
          agentRole,
          from: input.from,
          to: input.to,
          limit: Math.min(PAGE, input.maxCalls - result.evaluated),
          ...(cursor ? { cursor } : {}),
        },
        authorization,
      );
      for (const call of page.items) {
        if (result.evaluated >= input.maxCalls) {
          result.truncated = true;
          break;
        }
        result.evaluated++;
        const verdict = next.evaluate(call);
        const current = now.evaluate(call);
        if (!verdict.allowed) {
          result.deniedCount++;
          if (current.allowed) result.newlyDeniedCount++;
          if (result.denied.length < LISTED)
            result.denied.push({
              call,
              reason: verdict.reason,
              ...(verdict.rule ? { rule: verdict.rule } : {}),
              deniedNow: !current.allowed,
            });
        } else if (!current.allowed) result.newlyAllowedCount++;
      }
      if (!page.nextCursor || page.items.length === 0) break;
      if (result.evaluated >= input.maxCalls) {
        result.truncated = true;
        break;
      }
      cursor = page.nextCursor;
    }
    return result;
  }
}
