// Events of a tenant the plane does not know are refused (dead-lettered with the reason), but only once
// this service has read every TenantEvent published so far: the tenant projection and the event streams
// are consumed independently, so an unknown tenant may simply not have reached the projection yet. In
// that case the batch is retried (a transient failure) instead.
import { Inject, Injectable } from '@nestjs/common';
import { CONSUMERS, STREAMS } from '@auraison/contracts';
import { JETSTREAM_MANAGER, Namespace } from '@auraison/messaging';
import { TenantProjection } from '@auraison/tenancy';
import type { JetStreamManager } from '@nats-io/jetstream';
import { PgDatabase } from '../../common/persistence/pg-database.js';

/** The tenant projection has not caught up with mp.tenant.events: retry the batch later. */
export class TenantProjectionBehind extends Error {
  constructor(tenants: readonly string[], detail: string) {
    super(`tenant(s) ${tenants.join(', ')} not in the tenant projection yet (${detail}); retrying`);
    this.name = 'TenantProjectionBehind';
  }
}

@Injectable()
export class TenantGate {
  constructor(
    private readonly projection: TenantProjection,
    private readonly db: PgDatabase,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly ns: Namespace,
  ) {}

  /** The tenants among `tenantIds` that do not exist; throws TenantProjectionBehind when unsure. */
  async unknownTenants(tenantIds: readonly string[]): Promise<Set<string>> {
    const missing: string[] = [];
    for (const id of new Set(tenantIds)) if (!(await this.projection.get(id))) missing.push(id);
    if (missing.length === 0) return new Set();
    // The projection's cache may remember a miss from before the tenant arrived: ask the table.
    let still = await this.absent(missing);
    if (still.length === 0) return new Set();
    const behind = await this.projectionLag();
    if (behind !== undefined) throw new TenantProjectionBehind(still, behind);
    still = await this.absent(still);
    return new Set(still);
  }

  private async absent(ids: readonly string[]): Promise<string[]> {
    const rows = await this.db.sql.query<{ tenant_id: string }>(
      `SELECT tenant_id FROM observability.tenants WHERE tenant_id = ANY($1::uuid[])`,
      [ids],
    );
    const found = new Set(rows.map((r) => r.tenant_id));
    return ids.filter((id) => !found.has(id));
  }

  /** Why the projection may be behind, or undefined when every TenantEvent has been applied. */
  private async projectionLag(): Promise<string | undefined> {
    try {
      const info = await this.jsm.consumers.info(
        this.ns.stream(STREAMS.tenantEvents.name),
        CONSUMERS.observabilityTenantEvents.durable,
      );
      const lag = info.num_pending + info.num_ack_pending;
      return lag === 0 ? undefined : `${lag} TenantEvent(s) not applied yet`;
    } catch (err) {
      return `cannot read the tenant consumer: ${(err as Error).message}`;
    }
  }
}
