// In-process signal "tenant X changed (committed)": the outbox relay publishes at once instead of at
// its next poll, and the Kubernetes reconciler re-applies the tenant's manifests.
import { Injectable } from '@nestjs/common';

export type TenantChangeListener = (tenantId: string) => void;

@Injectable()
export class TenantChangeNotifier {
  private readonly listeners: TenantChangeListener[] = [];

  subscribe(listener: TenantChangeListener): void {
    this.listeners.push(listener);
  }

  /** Called after COMMIT. Listeners must not throw (they schedule work, they do not do it). */
  changed(tenantId: string): void {
    for (const listener of this.listeners) listener(tenantId);
  }
}
