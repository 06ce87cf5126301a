import { Module, type DynamicModule } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { ServiceAccountsModule } from '../service-accounts/service-accounts.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { K8sManifestsController } from './api/k8s-manifests.controller.js';
import { KUBERNETES_APPLIER, type KubernetesApplier } from './application/kubernetes-applier.js';
import { TenantManifests } from './application/tenant-manifests.service.js';
import {
  RECONCILER_OPTIONS,
  TenantReconciler,
  type ReconcilerOptions,
} from './application/tenant-reconciler.service.js';

export interface K8sModuleOptions {
  /** Path of a kubeconfig (MP_KUBECONFIG); the reconciler is off without one. */
  kubeconfig?: string;
  resyncSeconds: number;
}

/** Kubernetes mapping: rendered manifests, and the reconciler that applies them. */
@Module({})
export class K8sModule {
  static forRoot(options: K8sModuleOptions): DynamicModule {
    const reconciler: ReconcilerOptions = {
      resyncMs: options.resyncSeconds * 1000,
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
    };
    return {
      module: K8sModule,
      imports: [TenantsModule, ServiceAccountsModule, EventsModule],
      controllers: [K8sManifestsController],
      providers: [
        TenantManifests,
        { provide: RECONCILER_OPTIONS, useValue: reconciler },
        {
          provide: KUBERNETES_APPLIER,
          useFactory: async (): Promise<KubernetesApplier | null> => {
            if (!options.kubeconfig) return null;
            // Imported only when configured: without a cluster the client is never loaded.
            const { ClientNodeApplier } = await import('./persistence/client-node.applier.js');
            return ClientNodeApplier.fromKubeconfig(options.kubeconfig);
          },
        },
        TenantReconciler,
      ],
    };
  }
}
