// The real cluster: server-side apply through @kubernetes/client-node, as the registry's own field
// manager, forcing ownership of the fields it manages (the registry is their source of truth).
// Loaded only when MP_KUBECONFIG is set, so the client is not even imported otherwise.
import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { KubernetesApplier } from '../application/kubernetes-applier.js';
import { FIELD_MANAGER, type KubernetesObject } from '../domain/manifests.js';

export class ClientNodeApplier implements KubernetesApplier {
  private constructor(private readonly api: KubernetesObjectApi) {}

  /** Reads the kubeconfig at `path` (throws at start-up when it is missing or malformed). */
  static fromKubeconfig(path: string): ClientNodeApplier {
    const config = new KubeConfig();
    config.loadFromFile(path);
    return new ClientNodeApplier(KubernetesObjectApi.makeApiClient(config));
  }

  async apply(object: KubernetesObject): Promise<void> {
    await this.api.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }
}
