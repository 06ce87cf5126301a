import type { KubernetesObject } from '../domain/manifests.js';

/** Applies one object to the cluster (server-side apply). The real one wraps @kubernetes/client-node. */
export interface KubernetesApplier {
  apply(object: KubernetesObject): Promise<void>;
}

/** Injection token: a KubernetesApplier, or null when no kubeconfig is configured (reconciler off). */
export const KUBERNETES_APPLIER = Symbol('KUBERNETES_APPLIER');
