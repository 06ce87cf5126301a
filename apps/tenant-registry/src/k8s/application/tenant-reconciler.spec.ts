import { describe, expect, it } from '@jest/globals';
import type { Logger } from '@auraison/observability';
import { TenantChangeNotifier } from '../../events/application/tenant-change.notifier.js';
import type { KubernetesObject } from '../domain/manifests.js';
import type { KubernetesApplier } from './kubernetes-applier.js';
import { TenantReconciler, type ManifestSource } from './tenant-reconciler.service.js';

const object = (kind: string, name: string): KubernetesObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name },
});

class FakeApplier implements KubernetesApplier {
  readonly applied: string[] = [];
  failuresLeft = 0;
  async apply(o: KubernetesObject): Promise<void> {
    await Promise.resolve();
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('connection refused');
    }
    this.applied.push(`${o.kind}/${o.metadata.name}`);
  }
}

class FakeSource implements ManifestSource {
  readonly tenants = new Map<string, KubernetesObject[]>();
  reads = 0;
  async forReconcile(id: string): Promise<KubernetesObject[] | undefined> {
    await Promise.resolve();
    this.reads += 1;
    return this.tenants.get(id);
  }
  async tenantIds(): Promise<string[]> {
    await Promise.resolve();
    return [...this.tenants.keys()];
  }
}

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (a: unknown, b?: string) => lines.push(typeof a === 'string' ? a : (b ?? ''));
  return { lines, info: log, warn: log, debug: log, error: log } as unknown as Logger & { lines: string[] };
}

function setup(applier: KubernetesApplier | null) {
  const source = new FakeSource();
  source.tenants.set('a', [object('Namespace', 'mp-a'), object('ResourceQuota', 'mp-tenant-quota')]);
  source.tenants.set('b', [object('Namespace', 'mp-b')]);
  const notifier = new TenantChangeNotifier();
  const logger = captureLogger();
  const reconciler = new TenantReconciler(applier, source, notifier, logger, {
    resyncMs: 60_000,
    retryBaseMs: 10,
    retryMaxMs: 20,
  });
  return { source, notifier, logger, reconciler };
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('TenantReconciler', () => {
  it('should stay off and say so once when no kubeconfig is configured', async () => {
    const { reconciler, notifier, logger, source } = setup(null);
    reconciler.onApplicationBootstrap();
    notifier.changed('a');
    reconciler.schedule('a');
    await reconciler.whenIdle();
    expect(reconciler.enabled).toBe(false);
    expect(source.reads).toBe(0);
    expect(logger.lines.filter((l) => l.includes('reconciler is off'))).toHaveLength(1);
    await reconciler.beforeApplicationShutdown();
  });

  it('should apply every tenant on start, the Namespace before what lives in it', async () => {
    const applier = new FakeApplier();
    const { reconciler } = setup(applier);
    reconciler.onApplicationBootstrap();
    await until(() => applier.applied.length === 3);
    await reconciler.whenIdle();
    expect(applier.applied).toEqual(['Namespace/mp-a', 'ResourceQuota/mp-tenant-quota', 'Namespace/mp-b']);
    await reconciler.beforeApplicationShutdown();
  });

  it('should re-apply a tenant when it changes', async () => {
    const applier = new FakeApplier();
    const { reconciler, notifier, source } = setup(applier);
    reconciler.onApplicationBootstrap();
    await until(() => applier.applied.length === 3);
    await reconciler.whenIdle();
    source.tenants.set('b', [object('Namespace', 'mp-b2')]);
    notifier.changed('b');
    await reconciler.whenIdle();
    expect(applier.applied.at(-1)).toBe('Namespace/mp-b2');
    await reconciler.beforeApplicationShutdown();
  });

  it('should skip a tenant that no longer exists', async () => {
    const applier = new FakeApplier();
    const { reconciler } = setup(applier);
    reconciler.schedule('gone');
    await reconciler.whenIdle();
    expect(applier.applied).toEqual([]);
  });

  it('should retry with backoff when the cluster refuses, then succeed', async () => {
    const applier = new FakeApplier();
    applier.failuresLeft = 2;
    const { reconciler, logger } = setup(applier);
    reconciler.schedule('b');
    await until(() => applier.applied.includes('Namespace/mp-b'));
    expect(logger.lines.filter((l) => l === 'kubernetes apply failed')).toHaveLength(2);
    await reconciler.beforeApplicationShutdown();
  });

  it('should stop scheduling and retrying after shutdown', async () => {
    const applier = new FakeApplier();
    applier.failuresLeft = 100;
    const { reconciler, source } = setup(applier);
    reconciler.schedule('b');
    await reconciler.whenIdle();
    await reconciler.beforeApplicationShutdown();
    const reads = source.reads;
    reconciler.schedule('a');
    await new Promise((r) => setTimeout(r, 50));
    expect(source.reads).toBe(reads);
  });
});
