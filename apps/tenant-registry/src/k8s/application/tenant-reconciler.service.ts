// Keeps each tenant's Kubernetes objects as the registry says they should be: re-applies a tenant's
// manifests after every committed change (create, update, suspend, quota, service accounts) and all
// tenants on a periodic resync, which also repairs drift and retries anything that failed. Off when
// no kubeconfig is configured. Objects are never deleted (a namespace holds the tenant's workloads):
// after a namespace change the old one is left for an operator to remove.
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { exponentialDelay } from '@auraison/messaging';
import { LOGGER, type Logger } from '@auraison/observability';
import { TenantChangeNotifier } from '../../events/application/tenant-change.notifier.js';
import type { KubernetesObject } from '../domain/manifests.js';
import { KUBERNETES_APPLIER, type KubernetesApplier } from './kubernetes-applier.js';
import { TenantManifests } from './tenant-manifests.service.js';

export interface ReconcilerOptions {
  /** Re-apply every tenant this often (ms). */
  resyncMs: number;
  /** First retry delay after a failed apply; doubles up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
}
export const RECONCILER_OPTIONS = Symbol('RECONCILER_OPTIONS');

/** What the reconciler reads; TenantManifests in the app, a fake in unit tests. */
export type ManifestSource = Pick<TenantManifests, 'forReconcile' | 'tenantIds'>;

@Injectable()
export class TenantReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly pending = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private resyncTimer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(KUBERNETES_APPLIER) private readonly applier: KubernetesApplier | null,
    @Inject(TenantManifests) private readonly source: ManifestSource,
    private readonly notifier: TenantChangeNotifier,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RECONCILER_OPTIONS) private readonly options: ReconcilerOptions,
  ) {}

  get enabled(): boolean {
    return this.applier !== null;
  }

  onApplicationBootstrap(): void {
    if (!this.applier) {
      this.logger.info(
        'kubernetes reconciler is off: set MP_KUBECONFIG to apply tenant namespaces and quotas',
      );
      return;
    }
    this.notifier.subscribe((tenantId) => this.schedule(tenantId));
    this.resyncTimer = setInterval(() => void this.resync(), this.options.resyncMs);
    this.resyncTimer.unref();
    void this.resync();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await this.draining;
  }

  /** Queue the tenant for reconciliation (coalesced while it waits). */
  schedule(tenantId: string): void {
    if (!this.applier || this.stopped) return;
    this.pending.add(tenantId);
    this.kick();
  }

  /** Queue every tenant. */
  async resync(): Promise<void> {
    try {
      for (const id of await this.source.tenantIds()) this.schedule(id);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'kubernetes resync could not list tenants');
    }
  }

  /** Resolves when the queue is empty (tests). */
  async whenIdle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private kick(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      if (this.pending.size > 0 && !this.stopped) this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (const tenantId of this.pending) {
      if (this.stopped) return;
      this.pending.delete(tenantId);
      await this.reconcile(tenantId);
    }
  }

  private async reconcile(tenantId: string): Promise<void> {
    let current: KubernetesObject | undefined;
    try {
      const objects = await this.source.forReconcile(tenantId);
      if (!objects) return;
      // In order: the Namespace before the objects that live in it.
      for (const object of objects) {
        current = object;
        await this.applier!.apply(object);
      }
      this.attempts.delete(tenantId);
      this.logger.debug({ tenant_id: tenantId, objects: objects.length }, 'tenant reconciled in kubernetes');
    } catch (err) {
      const attempt = (this.attempts.get(tenantId) ?? 0) + 1;
      this.attempts.set(tenantId, attempt);
      const delay = exponentialDelay(attempt, this.options.retryBaseMs, this.options.retryMaxMs);
      this.logger.warn(
        {
          tenant_id: tenantId,
          object: current ? `${current.kind}/${current.metadata.name}` : undefined,
          err: (err as Error).message,
          attempt,
          retry_in_ms: delay,
        },
        'kubernetes apply failed',
      );
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.schedule(tenantId);
      }, delay);
      timer.unref();
      this.retryTimers.add(timer);
    }
  }
}
