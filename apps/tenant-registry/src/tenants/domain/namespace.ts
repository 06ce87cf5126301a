// Kubernetes namespace rules for tenants: a DNS-1123 label, never one of the cluster's own.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const RESERVED = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** `mp-<slug>`, the namespace a tenant gets unless its creator names one. */
export function defaultNamespace(slug: string): string {
  return `mp-${slug}`;
}

/** Why `namespace` cannot be a tenant namespace, or undefined when it can. */
export function namespaceProblem(namespace: string): string | undefined {
  if (!DNS_LABEL.test(namespace))
    return 'k8s_namespace must be a DNS label: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit';
  if (RESERVED.has(namespace) || namespace.startsWith('kube-'))
    return `k8s_namespace ${namespace} is reserved for the cluster itself`;
  return undefined;
}
