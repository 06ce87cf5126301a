import { describe, expect, it } from '@jest/globals';
import { NO_RATE_LIMITS, type EffectivePolicy } from './role-policy.js';
import { ActuationTools, joinRules, resolveToolScope, type ScopeInputs } from './tool-scope.js';

const now = new Date('2026-12-04T12:00:00Z');
const actuation = new ActuationTools([
  'mcp__ros__publish_cmd_vel',
  'mcp__ros__navigate_to_pose',
  'mcp__nav2__*',
]);
const policy: EffectivePolicy = {
  agentRole: 'cluster',
  allow: ['Bash(kubectl *)', 'Read', 'mcp__ros__publish_cmd_vel', 'mcp__nav2', 'mcp__ros'],
  deny: ['Bash(kubectl delete *)'],
  maxDurationS: 1800,
  maxTurns: 40,
  model: 'm',
  rateLimits: NO_RATE_LIMITS,
  defaultVersion: 4,
  overrideVersion: 7,
};
const base: ScopeInputs = { policy, lockdown: {}, gates: [], actuation, now, environment: 'ros.dev.gpu' };

describe('resolveToolScope', () => {
  it('should drop actuation tools and deny them while the gate is closed', () => {
    const s = resolveToolScope(base);
    expect(s.allowedRules).toEqual(['Bash(kubectl *)', 'Read', 'mcp__ros']);
    expect(s.disallowedRules).toEqual([
      'Bash(kubectl delete *)',
      'mcp__ros__publish_cmd_vel',
      'mcp__ros__navigate_to_pose',
      'mcp__nav2__*',
    ]);
    expect(s).toMatchObject({ scopeVersion: 7, lockdown: false, openActuationGates: [], maxDurationS: 1800 });
    expect(joinRules(s.allowedRules)).toBe('Bash(kubectl *),Read,mcp__ros');
  });

  it('should keep actuation tools while the gate of the requested environment is open', () => {
    const gate = {
      environment: 'ros.dev.gpu' as const,
      version: 12,
      expiresAt: new Date(now.getTime() + 60_000),
    };
    const s = resolveToolScope({ ...base, gates: [gate] });
    expect(s.allowedRules).toEqual(policy.allow);
    expect(s.disallowedRules).toEqual(policy.deny);
    expect(s).toMatchObject({
      scopeVersion: 12,
      openActuationGates: ['ros.dev.gpu'],
      validUntil: gate.expiresAt,
    });
  });

  it('should treat an expired gate, another environment or no environment as closed', () => {
    const expired = {
      environment: 'ros.dev.gpu' as const,
      version: 12,
      expiresAt: new Date(now.getTime() - 1),
    };
    const other = {
      environment: 'torch.dev.gpu' as const,
      version: 13,
      expiresAt: new Date(now.getTime() + 1000),
    };
    expect(resolveToolScope({ ...base, gates: [expired] }).openActuationGates).toEqual([]);
    expect(resolveToolScope({ ...base, gates: [other] }).openActuationGates).toEqual([]);
    const { environment: _e, ...noEnvironment } = base;
    expect(resolveToolScope({ ...noEnvironment, gates: [other] }).allowedRules).not.toContain('mcp__nav2');
  });

  it('should allow nothing and deny every tool and reachable MCP server under a lockdown', () => {
    const gate = {
      environment: 'ros.dev.gpu' as const,
      version: 12,
      expiresAt: new Date(now.getTime() + 60_000),
    };
    const s = resolveToolScope({ ...base, gates: [gate], lockdown: { tenantVersion: 20 } });
    expect(s.allowedRules).toEqual([]);
    expect(s.disallowedRules).toEqual(
      expect.arrayContaining(['Bash', 'Read', 'Edit', 'WebFetch', 'mcp__ros', 'mcp__nav2']),
    );
    expect(s).toMatchObject({ lockdown: true, scopeVersion: 20, openActuationGates: [] });
  });

  it('should never list a rule as both allowed and denied', () => {
    const s = resolveToolScope({ ...base, policy: { ...policy, deny: ['Read'] } });
    expect(s.allowedRules).not.toContain('Read');
    expect(s.disallowedRules).toContain('Read');
  });
});
