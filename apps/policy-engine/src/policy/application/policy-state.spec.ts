// PolicyState's cache rules with its repositories replaced: answers come from memory until an
// invalidation, and a load that raced an invalidation is never served afterwards.
import { describe, expect, it } from '@jest/globals';
import { NO_RATE_LIMITS, type RoleDefaults, type RoleOverride } from '../../scopes/domain/role-policy.js';
import type { PolicyVersion } from '../../scopes/persistence/role-policy.repository.js';
import { PolicyState } from './policy-state.js';

const TENANT = '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab';

function version<D>(
  agentRole: string,
  document: D,
  v: number,
  tenantId: string | null = null,
): PolicyVersion<D> {
  return {
    version: v,
    tenantId,
    agentRole,
    document,
    authorId: TENANT,
    authorTenantId: null,
    reason: 'test',
    diff: { allow: { added: [], removed: [] }, deny: { added: [], removed: [] }, changed: {} },
    rollbackOf: null,
    createdAt: new Date(),
  };
}

const DEFAULTS: RoleDefaults = {
  allow: ['Read'],
  deny: [],
  maxDurationS: 60,
  maxTurns: 5,
  model: 'm',
  rateLimits: NO_RATE_LIMITS,
};

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A PolicyState whose tenant overrides come from `overrides()`; counts loads. */
function setup(overrides: () => Promise<PolicyVersion<RoleOverride>[]>) {
  const counts = { defaults: 0, overrides: 0, invalidations: 0, generation: 0 };
  const policies = {
    currentDefaults: async () => {
      counts.defaults++;
      return Promise.resolve([version('notebook', DEFAULTS, 1)]);
    },
    currentOverrides: async () => {
      counts.overrides++;
      return overrides();
    },
  };
  const none = async () => Promise.resolve(undefined);
  const empty = async () => Promise.resolve([]);
  const state = new PolicyState(
    {
      queryable: { query: async () => Promise.resolve([{ generation: String(counts.generation) }]) },
    } as never,
    policies as never,
    { global: none, forTenant: none } as never,
    { open: empty } as never,
    { activePlatformWide: empty, activeForTenant: empty } as never,
    { now: () => new Date() },
    { invalidations: { inc: () => counts.invalidations++ } } as never,
    {} as never,
    { subject: (s: string) => s } as never,
    { actuationTools: [], pollMs: 250 } as never,
    { warn: () => undefined, debug: () => undefined } as never,
  );
  return { state, counts };
}

describe('PolicyState', () => {
  it('should answer from memory until the caches are invalidated', async () => {
    const { state, counts } = setup(async () => Promise.resolve([]));
    const first = await state.resolve(TENANT, 'notebook');
    const second = await state.resolve(TENANT, 'notebook');
    expect(second).toBe(first);
    expect(counts).toMatchObject({ defaults: 1, overrides: 1 });
    state.invalidate('broadcast');
    await state.resolve(TENANT, 'notebook');
    expect(counts).toMatchObject({ defaults: 2, overrides: 2, invalidations: 1 });
    expect(await state.resolve(TENANT, 'nobody')).toBeUndefined();
  });

  it('should never serve a load that was running when the caches were dropped', async () => {
    const slow = deferred<PolicyVersion<RoleOverride>[]>();
    let current: PolicyVersion<RoleOverride>[] = [];
    let calls = 0;
    const { state } = setup(async () => (++calls === 1 ? slow.promise : Promise.resolve(current)));
    const pending = state.resolve(TENANT, 'notebook');
    // The change commits and is announced while the first load is still reading the old state.
    current = [version('notebook', { allow: ['Bash(helm *)'], deny: [] }, 9, TENANT)];
    state.invalidate('broadcast');
    slow.resolve([]);
    const resolved = await pending;
    expect(resolved?.scope.allowedRules).toEqual(['Read', 'Bash(helm *)']);
    expect(resolved?.scope.scopeVersion).toBe(9);
    expect((await state.resolve(TENANT, 'notebook'))?.scope.scopeVersion).toBe(9);
  });

  it('should invalidate when the polled generation moves, and not before', async () => {
    const { state, counts } = setup(async () => Promise.resolve([]));
    const poll = async () => (state as unknown as { poll(): Promise<void> }).poll();
    await poll();
    await poll();
    expect(counts.invalidations).toBe(0);
    counts.generation = 1;
    await poll();
    expect(counts.invalidations).toBe(1);
  });
});
