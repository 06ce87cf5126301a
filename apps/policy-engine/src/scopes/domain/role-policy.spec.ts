import { describe, expect, it } from '@jest/globals';
import {
  diffDocuments,
  effectivePolicy,
  isEmptyDiff,
  NO_RATE_LIMITS,
  normalizeDefaults,
  normalizeOverride,
  type RoleDefaults,
} from './role-policy.js';

const defaults: RoleDefaults = {
  allow: ['Bash(kubectl *)', 'Read'],
  deny: ['Bash(kubectl delete *)'],
  maxDurationS: 3600,
  maxTurns: 50,
  model: 'claude-sonnet-4-5',
  rateLimits: NO_RATE_LIMITS,
};

describe('normalizeDefaults', () => {
  it('should canonicalize rules and drop duplicates when they are valid', () => {
    const { doc, problems } = normalizeDefaults({
      ...defaults,
      allow: [' Read ', 'Read', 'WebFetch(domain:Docs.Ray.io)'],
    });
    expect(problems).toEqual([]);
    expect(doc.allow).toEqual(['Read', 'WebFetch(domain:docs.ray.io)']);
  });

  it('should name every invalid rule with its position, and bad limits by field', () => {
    const { problems } = normalizeDefaults({
      ...defaults,
      allow: ['Read', 'Bsh(ls)'],
      deny: ['Write(./x)'],
      maxDurationS: 0,
      maxTurns: -1,
      model: 'not a model',
      rateLimits: { ...NO_RATE_LIMITS, tokensPerMinute: 1.5 },
    });
    expect(problems.map((p) => p.field)).toEqual([
      'allow[1]',
      'deny[0]',
      'max_duration_s',
      'max_turns',
      'model',
      'rate_limits.tokens_per_minute',
    ]);
    expect(problems[0]!.message).toBe(
      'allow[1]: invalid rule "Bsh(ls)": unknown tool Bsh (built-in tools: Agent, Bash, BashOutput, Edit, ExitPlanMode, Glob, Grep, KillShell, LS, MultiEdit, NotebookEdit, NotebookRead, Read, SlashCommand, Skill, Task, TodoWrite, WebFetch, WebSearch, Write; MCP tools are mcp__server__tool)',
    );
  });
});

describe('normalizeOverride', () => {
  it('should keep only the fields the override sets', () => {
    const { doc, problems } = normalizeOverride({
      allow: ['Bash(ray *)'],
      deny: [],
      model: 'claude-opus-4-1',
    });
    expect(problems).toEqual([]);
    expect(doc).toEqual({ allow: ['Bash(ray *)'], deny: [], model: 'claude-opus-4-1' });
  });
});

describe('diffDocuments', () => {
  it('should list added and removed rules and changed fields', () => {
    const diff = diffDocuments(defaults, {
      ...defaults,
      allow: ['Read', 'Bash(ray *)'],
      maxDurationS: 600,
      rateLimits: { ...NO_RATE_LIMITS, invocationsPerMinute: 10 },
    });
    expect(diff).toEqual({
      allow: { added: ['Bash(ray *)'], removed: ['Bash(kubectl *)'] },
      deny: { added: [], removed: [] },
      changed: { max_duration_s: [3600, 600], 'rate_limits.invocations_per_minute': [0, 10] },
    });
    expect(isEmptyDiff(diff)).toBe(false);
  });

  it('should be empty when nothing changed, and show a removal against null', () => {
    expect(isEmptyDiff(diffDocuments(defaults, { ...defaults }))).toBe(true);
    expect(diffDocuments({ allow: ['Read'], deny: [] }, null)).toEqual({
      allow: { added: [], removed: ['Read'] },
      deny: { added: [], removed: [] },
      changed: {},
    });
  });
});

describe('effectivePolicy', () => {
  it('should add the override rules to the default and let it replace limits and model', () => {
    const p = effectivePolicy(
      'notebook',
      { doc: defaults, version: 3 },
      {
        doc: {
          allow: ['Bash(ray *)', 'Read'],
          deny: ['Bash(ray stop *)'],
          maxDurationS: 600,
          rateLimits: { tokensPerMinute: 5 },
        },
        version: 9,
      },
    );
    expect(p).toEqual({
      agentRole: 'notebook',
      allow: ['Bash(kubectl *)', 'Read', 'Bash(ray *)'],
      deny: ['Bash(kubectl delete *)', 'Bash(ray stop *)'],
      maxDurationS: 600,
      maxTurns: 50,
      model: 'claude-sonnet-4-5',
      rateLimits: { invocationsPerMinute: 0, admissionsPerMinute: 0, tokensPerMinute: 5 },
      defaultVersion: 3,
      overrideVersion: 9,
    });
  });
});
