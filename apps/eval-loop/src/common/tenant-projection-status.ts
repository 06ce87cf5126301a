// Whether the tenant projection has applied every TenantEvent published so far. An event whose tenant
// is unknown is refused only when it has: otherwise the TenantEvent may simply not be applied yet (a
// first deployment replaying MP_TENANT_EVENTS, a tenant created a moment ago) and the batch is retried.
// (billing has the same check: a candidate for libs/tenancy.)
import { Inject, Injectable } from '@nestjs/common';
import { CONSUMERS, STREAMS } from '@auraison/contracts';
import { isTransientError, JETSTREAM_MANAGER, Namespace } from '@auraison/messaging';
import type { JetStreamManager } from '@nats-io/jetstream';

/** Thrown to retry a batch later (classified transient: naked with backoff, never dead-lettered). */
export class TenantProjectionBehind extends Error {
  constructor(tenantIds: readonly string[]) {
    super(
      `tenant(s) ${tenantIds.join(', ')} not in the tenant projection yet and TenantEvents are still pending: ` +
        'retrying the batch later',
    );
    this.name = 'TenantProjectionBehind';
  }
}

/** Dependency failures and a projection catching up: retried, never dead-lettered. */
export function isEvalTransient(err: unknown): boolean {
  return err instanceof TenantProjectionBehind || isTransientError(err);
}

@Injectable()
export class TenantProjectionStatus {
  constructor(
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly ns: Namespace,
  ) {}

  /** True when eval-loop's durable of mp.tenant.events has nothing pending nor unacknowledged. */
  async caughtUp(): Promise<boolean> {
    try {
      const info = await this.jsm.consumers.info(
        this.ns.stream(STREAMS.tenantEvents.name),
        CONSUMERS.evalTenantEvents.durable,
      );
      return info.num_pending === 0 && info.num_ack_pending === 0;
    } catch {
      // Not provisioned yet (start-up) or NATS unreachable: not known to be caught up, so retry later.
      return false;
    }
  }
}
