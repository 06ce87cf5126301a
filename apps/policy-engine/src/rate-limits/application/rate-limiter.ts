// Enforces a role's rate limits for a tenant, cluster-wide (counters in PostgreSQL). Nothing is read
// or written when a limit is 0 (unlimited), so the hot path pays only for limits that are set.
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/application/clock.js';
import type { RateLimits } from '../../scopes/domain/role-policy.js';
import {
  secondsToNextWindow,
  slidingEstimate,
  windowCapacity,
  windowStart,
  type RateKind,
} from '../domain/sliding-window.js';
import { RateCounterRepository } from '../persistence/rate-counter.repository.js';

export type RateVerdict =
  { allowed: true } | { allowed: false; kind: RateKind; limit: number; retryAfterS: number; message: string };

@Injectable()
export class RateLimiter {
  constructor(
    private readonly counters: RateCounterRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks the role's token rate, then counts one event of `kind` (an agent spawn or a job admission)
   * if it fits under its limit. Nothing is counted when the verdict is a refusal.
   */
  async take(
    tenantId: string,
    agentRole: string,
    kind: 'invocations' | 'admissions',
    limits: RateLimits,
  ): Promise<RateVerdict> {
    const now = this.clock.now();
    const window = windowStart(now);
    if (limits.tokensPerMinute > 0) {
      const { previous, current } = await this.counters.read({ tenantId, agentRole, kind: 'tokens' }, window);
      const estimate = Math.round(slidingEstimate(previous, current, now));
      if (estimate >= limits.tokensPerMinute)
        return {
          allowed: false,
          kind: 'tokens',
          limit: limits.tokensPerMinute,
          retryAfterS: secondsToNextWindow(now),
          message: `role ${agentRole} used about ${estimate} tokens in the last minute; the limit is ${limits.tokensPerMinute} per minute`,
        };
    }
    const limit = kind === 'invocations' ? limits.invocationsPerMinute : limits.admissionsPerMinute;
    if (limit <= 0) return { allowed: true };
    const key = { tenantId, agentRole, kind };
    const { previous } = await this.counters.read(key, window);
    if ((await this.counters.addWithin(key, window, 1, windowCapacity(limit, previous, now))) !== undefined)
      return { allowed: true };
    return {
      allowed: false,
      kind,
      limit,
      retryAfterS: secondsToNextWindow(now),
      message: `role ${agentRole} reached its limit of ${limit} ${kind === 'invocations' ? 'agent spawns' : 'job admissions'} per minute`,
    };
  }
}
