// Whether billing's tenant projection has applied every TenantEvent published so far. An event whose
// tenant is unknown is only refused when it has: otherwise the TenantEvent may simply not be applied
// yet (a first deployment replaying MP_TENANT_EVENTS, or a tenant created a moment ago), and the
// batch is retried later instead.
import { Inject, Injectable } from '@nestjs/common';
import { CONSUMERS, STREAMS } from '@auraison/contracts';
import { JETSTREAM_MANAGER, Namespace } from '@auraison/messaging';
import type { JetStreamManager } from '@nats-io/jetstream';

/** Thrown to retry a batch (classified transient: naked with backoff, never dead-lettered). */
export class TenantProjectionBehind extends Error {
  constructor(tenantIds: readonly string[]) {
    super(
      `tenant(s) ${tenantIds.join(', ')} not in the tenant projection yet and TenantEvents are still ` +
        'pending: retrying the batch later',
    );
    this.name = 'TenantProjectionBehind';
  }
}

@Injectable()
export class TenantProjectionStatus {
  constructor(
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly ns: Namespace,
  ) {}

  /** True when the durable of mp.tenant.events has nothing pending nor unacknowledged. */
  async caughtUp(): Promise<boolean> {
    const info = await this.jsm.consumers.info(
      this.ns.stream(STREAMS.tenantEvents.name),
      CONSUMERS.billingTenantEvents.durable,
    );
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }
}
