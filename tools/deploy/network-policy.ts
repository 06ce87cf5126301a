// A small evaluator of Kubernetes NetworkPolicy semantics, to test that the rendered policies let the
// documented flows through and nothing else. It follows the API's rules:
// - a pod is isolated for ingress (egress) when a policy of its namespace selects it with that policy
//   type; an isolated pod admits only what some selecting policy's rules allow, others admit everything;
// - a connection needs both: egress allowed at the source and ingress allowed at the destination;
// - a peer with only podSelector means pods of the policy's namespace, only namespaceSelector means every
//   pod of the matching namespaces, both means matching pods in matching namespaces, ipBlock means
//   addresses outside the cluster (pod addresses are not modelled); an empty or missing `from`/`to`
//   matches every peer and an empty or missing `ports` every port;
// - a named port is the destination pod's container port of that name; protocol defaults to TCP.

export type Labels = Readonly<Record<string, string>>;

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}

export interface NetworkPolicyObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: {
    podSelector?: LabelSelector;
    policyTypes?: string[];
    ingress?: PolicyRule[];
    egress?: PolicyRule[];
  };
}

export interface NamespaceInfo {
  name: string;
  labels?: Labels;
}

export type Endpoint =
  | {
      kind: 'pod';
      /** For messages. */
      name: string;
      namespace: NamespaceInfo;
      labels: Labels;
      /** Named container ports of the pod (for named ports in policies). */
      ports?: Readonly<Record<string, number>>;
    }
  | { kind: 'external'; name: string; ip: string };

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface Flow {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol?: Protocol;
}

export interface Verdict {
  allowed: boolean;
  /** Which side refused, or which policies admitted it. */
  reason: string;
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const value = labels[e.key];
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
      default:
        throw new Error(`unknown selector operator ${e.operator}`);
    }
  }
  return true;
}

function ipv4(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = Number(bits ?? 32);
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  return (ipv4(base!) & mask) === (ipv4(ip) & mask);
}

/** The namespace labels the API server sets on every namespace, plus the given ones. */
function namespaceLabels(ns: NamespaceInfo): Labels {
  return { ...ns.labels, 'kubernetes.io/metadata.name': ns.name };
}

function peerMatches(peer: PolicyPeer, policyNamespace: string, endpoint: Endpoint): boolean {
  if (peer.ipBlock) {
    if (endpoint.kind !== 'external') return false;
    return (
      cidrContains(peer.ipBlock.cidr, endpoint.ip) &&
      !(peer.ipBlock.except ?? []).some((cidr) => cidrContains(cidr, endpoint.ip))
    );
  }
  if (endpoint.kind !== 'pod') return false;
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, namespaceLabels(endpoint.namespace))) return false;
  } else if (endpoint.namespace.name !== policyNamespace) return false;
  return selectorMatches(peer.podSelector, endpoint.labels);
}

function portMatches(ports: PolicyPort[] | undefined, flow: Flow): boolean {
  if (!ports || ports.length === 0) return true;
  const protocol = flow.protocol ?? 'TCP';
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') {
      const named = flow.to.kind === 'pod' ? flow.to.ports?.[p.port] : undefined;
      return named === flow.port;
    }
    return p.endPort === undefined ? p.port === flow.port : flow.port >= p.port && flow.port <= p.endPort;
  });
}

function policyTypes(policy: NetworkPolicyObject): string[] {
  if (policy.spec?.policyTypes && policy.spec.policyTypes.length > 0) return policy.spec.policyTypes;
  return policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

function selecting(
  policies: readonly NetworkPolicyObject[],
  pod: Extract<Endpoint, { kind: 'pod' }>,
  type: 'Ingress' | 'Egress',
  defaultNamespace: string,
): NetworkPolicyObject[] {
  return policies.filter(
    (p) =>
      p.kind === 'NetworkPolicy' &&
      (p.metadata.namespace ?? defaultNamespace) === pod.namespace.name &&
      policyTypes(p).includes(type) &&
      selectorMatches(p.spec?.podSelector, pod.labels),
  );
}

function side(
  policies: readonly NetworkPolicyObject[],
  flow: Flow,
  type: 'Ingress' | 'Egress',
  defaultNamespace: string,
): Verdict {
  const pod = type === 'Egress' ? flow.from : flow.to;
  if (pod.kind !== 'pod') return { allowed: true, reason: `${type.toLowerCase()}: outside the cluster` };
  const applicable = selecting(policies, pod, type, defaultNamespace);
  if (applicable.length === 0)
    return { allowed: true, reason: `${type.toLowerCase()}: ${pod.name} not isolated` };
  const peer = type === 'Egress' ? flow.to : flow.from;
  const admitting = applicable.filter((p) => {
    const rules = (type === 'Egress' ? p.spec?.egress : p.spec?.ingress) ?? [];
    const ns = p.metadata.namespace ?? defaultNamespace;
    return rules.some((rule) => {
      const peers = type === 'Egress' ? rule.to : rule.from;
      const peerOk = !peers || peers.length === 0 || peers.some((x) => peerMatches(x, ns, peer));
      return peerOk && portMatches(rule.ports, flow);
    });
  });
  return admitting.length > 0
    ? {
        allowed: true,
        reason: `${type.toLowerCase()} by ${admitting.map((p) => p.metadata.name).join(', ')}`,
      }
    : {
        allowed: false,
        reason: `${type.toLowerCase()} of ${pod.name} refused (isolated by ${applicable.map((p) => p.metadata.name).join(', ')})`,
      };
}

/** Whether the policies let `flow` through; `defaultNamespace` for policies rendered without one. */
export function evaluateFlow(
  policies: readonly NetworkPolicyObject[],
  flow: Flow,
  defaultNamespace = 'default',
): Verdict {
  const egress = side(policies, flow, 'Egress', defaultNamespace);
  if (!egress.allowed) return egress;
  const ingress = side(policies, flow, 'Ingress', defaultNamespace);
  if (!ingress.allowed) return ingress;
  return { allowed: true, reason: `${egress.reason}; ${ingress.reason}` };
}

export function describeFlow(flow: Flow): string {
  return `${flow.from.name} -> ${flow.to.name}:${flow.port}/${flow.protocol ?? 'TCP'}`;
}
