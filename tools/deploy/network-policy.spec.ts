// The rendered NetworkPolicies let each flow of DESIGN §2/§4 through and nothing else. The documented
// flows are written out here (not taken from tools/deploy/spec.ts, which generates the policies), and
// every connection between the modelled pods and addresses is checked against them.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { APPS } from '../local/apps.js';
import { kustomizeBuild, type K8sObject } from './kustomize.js';
import {
  cidrContains,
  describeFlow,
  evaluateFlow,
  selectorMatches,
  type Endpoint,
  type Flow,
  type NamespaceInfo,
  type NetworkPolicyObject,
  type Protocol,
} from './network-policy.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('NetworkPolicy evaluator', () => {
  const ns: NamespaceInfo = { name: 'app' };
  const web: Endpoint = {
    kind: 'pod',
    name: 'web',
    namespace: ns,
    labels: { app: 'web' },
    ports: { http: 8080 },
  };
  const db: Endpoint = { kind: 'pod', name: 'db', namespace: ns, labels: { app: 'db' }, ports: { pg: 5432 } };
  const other: Endpoint = {
    kind: 'pod',
    name: 'other',
    namespace: { name: 'other', labels: { team: 'x' } },
    labels: { app: 'web' },
  };
  const policy = (name: string, spec: NetworkPolicyObject['spec']): NetworkPolicyObject => ({
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'app' },
    spec,
  });

  it('should allow everything when no policy selects either pod', () => {
    expect(evaluateFlow([], { from: web, to: db, port: 5432 }).allowed).toBe(true);
  });

  it('should isolate a selected pod and admit only what a rule allows', () => {
    const p = [
      policy('db', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'pg' }] }],
      }),
    ];
    expect(evaluateFlow(p, { from: web, to: db, port: 5432 }).allowed).toBe(true);
    expect(evaluateFlow(p, { from: web, to: db, port: 5433 }).allowed).toBe(false);
    expect(evaluateFlow(p, { from: web, to: db, port: 5432, protocol: 'UDP' }).allowed).toBe(false);
    // podSelector alone means the policy's own namespace.
    expect(evaluateFlow(p, { from: other, to: db, port: 5432 }).allowed).toBe(false);
  });

  it('should need egress at the source as well as ingress at the destination', () => {
    const p = [
      policy('deny-egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'] }),
    ];
    expect(evaluateFlow(p, { from: web, to: db, port: 5432 })).toMatchObject({ allowed: false });
    expect(evaluateFlow(p, { from: db, to: web, port: 8080 }).allowed).toBe(true);
  });

  it('should treat a policy without policyTypes as Ingress only unless it has egress rules', () => {
    const p = [policy('x', { podSelector: {} })];
    expect(evaluateFlow(p, { from: web, to: db, port: 5432 }).allowed).toBe(false);
    expect(
      evaluateFlow(p, { from: web, to: { kind: 'external', name: 'ext', ip: '1.2.3.4' }, port: 443 }).allowed,
    ).toBe(true);
  });

  it('should match namespaces by their labels, including kubernetes.io/metadata.name', () => {
    const p = [
      policy('db', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }] },
        ],
      }),
    ];
    expect(evaluateFlow(p, { from: other, to: db, port: 1 }).allowed).toBe(true);
    expect(evaluateFlow(p, { from: web, to: db, port: 1 }).allowed).toBe(false);
  });

  it('should match ipBlock peers against addresses outside the cluster, honouring except', () => {
    const p = [
      policy('egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 5432 }] },
        ],
      }),
    ];
    const ext = (ip: string): Endpoint => ({ kind: 'external', name: ip, ip });
    expect(evaluateFlow(p, { from: web, to: ext('10.2.3.4'), port: 5432 }).allowed).toBe(true);
    expect(evaluateFlow(p, { from: web, to: ext('10.1.3.4'), port: 5432 }).allowed).toBe(false);
    expect(evaluateFlow(p, { from: web, to: ext('11.2.3.4'), port: 5432 }).allowed).toBe(false);
    expect(evaluateFlow(p, { from: web, to: db, port: 5432 }).allowed).toBe(false);
  });

  it('should evaluate matchExpressions and CIDRs', () => {
    expect(
      selectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] }, { a: '1' }),
    ).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, {})).toBe(
      true,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, {})).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, {})).toBe(true);
    expect(cidrContains('0.0.0.0/0', '203.0.113.7')).toBe(true);
    expect(cidrContains('192.168.1.0/24', '192.168.2.1')).toBe(false);
  });
});

// ---- the plane's policies ---------------------------------------------------------------------------------

type Pod = Extract<Endpoint, { kind: 'pod' }>;

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec?: { containers?: Array<{ ports?: Array<{ name?: string; containerPort: number }> }> };
}

function podFrom(name: string, namespace: NamespaceInfo, template: PodTemplate): Pod {
  const ports: Record<string, number> = {};
  for (const c of template.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.name) ports[p.name] = p.containerPort;
  return { kind: 'pod', name, namespace, labels: template.metadata?.labels ?? {}, ports };
}

const outside = (
  name: string,
  ns: string,
  nsLabels: Record<string, string>,
  labels: Record<string, string>,
  ports: Record<string, number> = {},
): Pod => ({
  kind: 'pod',
  name,
  namespace: { name: ns, labels: nsLabels },
  labels,
  ports,
});

// Peers outside the plane's namespace, as deploy/README.md describes them.
const INGRESS = outside('ingress-nginx', 'ingress-nginx', {}, { 'app.kubernetes.io/name': 'ingress-nginx' });
const PROMETHEUS = outside('prometheus', 'monitoring', {}, { 'app.kubernetes.io/name': 'prometheus' });
const CONTROL_PLANE = outside(
  'control-plane-agent',
  'auraison-control',
  { 'auraison.io/plane': 'control' },
  { app: 'agent' },
);
const USER_PLANE = outside(
  'rayjob-worker',
  'tenant-acme',
  { 'auraison.io/plane': 'user' },
  { 'ray.io/node-type': 'worker' },
);
const KUBE_DNS = outside('kube-dns', 'kube-system', {}, { 'k8s-app': 'kube-dns' }, { dns: 53 });
const STRANGER = outside('stranger', 'default', {}, { app: 'curl' });
const PROD_NATS = outside(
  'nats-0',
  'nats',
  {},
  { 'app.kubernetes.io/name': 'nats' },
  { client: 4222, monitor: 8222 },
);
const INTERNET: Endpoint = { kind: 'external', name: 'internet', ip: '203.0.113.7' };
const MANAGED_POSTGRES: Endpoint = { kind: 'external', name: 'managed-postgres', ip: '10.20.0.5' };

const PROBE_PORTS = [53, 80, 443, 3000, 5432, 4222, 6222, 8222, 50051, ...APPS.map((a) => a.httpPort)];

interface Plane {
  namespace: string;
  policies: NetworkPolicyObject[];
  servers: Map<string, Pod>;
  migrations: Map<string, Pod>;
  /** Pods of the overlay that are not app pods (dev NATS and PostgreSQL). */
  infra: Map<string, Pod>;
  /** A pod someone started by hand in the namespace, with none of the plane's labels. */
  debugPod: Pod;
}

function planeOf(objects: K8sObject[]): Plane {
  const ns = objects.find((o) => o.kind === 'Namespace');
  if (!ns) throw new Error('the overlay renders no Namespace');
  const namespace: NamespaceInfo = { name: ns.metadata.name, labels: ns.metadata.labels ?? {} };
  const plane: Plane = {
    namespace: namespace.name,
    policies: objects.filter((o) => o.kind === 'NetworkPolicy'),
    servers: new Map(),
    migrations: new Map(),
    infra: new Map(),
    debugPod: { kind: 'pod', name: 'debug', namespace, labels: { run: 'debug' }, ports: {} },
  };
  for (const o of objects) {
    const spec = o.spec as { template?: PodTemplate; jobTemplate?: unknown } | undefined;
    if (!spec?.template) continue;
    if (o.kind === 'Deployment')
      plane.servers.set(o.metadata.name, podFrom(o.metadata.name, namespace, spec.template));
    else if (o.kind === 'Job')
      plane.migrations.set(o.metadata.name, podFrom(o.metadata.name, namespace, spec.template));
    else if (o.kind === 'StatefulSet')
      plane.infra.set(o.metadata.name, podFrom(o.metadata.name, namespace, spec.template));
  }
  return plane;
}

const key = (from: Endpoint, to: Endpoint, port: number, protocol: Protocol = 'TCP') =>
  `${from.name} -> ${to.name}:${port}/${protocol}`;

/** DESIGN §2/§4 as connections between the modelled endpoints, for one overlay. */
function documentedFlows(plane: Plane, env: 'dev' | 'prod'): Set<string> {
  const allowed = new Set<string>();
  const server = (app: string) => {
    const pod = plane.servers.get(app);
    if (!pod) throw new Error(`no Deployment ${app}`);
    return pod;
  };
  const postgres: Endpoint[] =
    env === 'dev' ? [plane.infra.get('postgresql')!] : [MANAGED_POSTGRES, INTERNET];
  const nats: Endpoint = env === 'dev' ? plane.infra.get('nats')! : PROD_NATS;
  for (const app of APPS) {
    const pod = server(app.name);
    // every app: PostgreSQL and NATS (prod: a PostgreSQL anywhere outside the cluster, port 5432 only)
    for (const pg of postgres) allowed.add(key(pod, pg, 5432));
    allowed.add(key(pod, nats, 4222));
    // its migration Job: PostgreSQL only
    const job = plane.migrations.get(`${app.name}-migrate`);
    if (job) for (const pg of postgres) allowed.add(key(job, pg, 5432));
    // every app but tenant-registry: tenant-registry's HTTP (JWKS)
    if (app.name !== 'tenant-registry') allowed.add(key(pod, server('tenant-registry'), 3001));
    // the ingress controller and Prometheus: every app's HTTP
    allowed.add(key(INGRESS, pod, app.httpPort));
    allowed.add(key(PROMETHEUS, pod, app.httpPort));
  }
  // eval-loop reads observability-store and billing
  allowed.add(key(server('eval-loop'), server('observability-store'), 3003));
  allowed.add(key(server('eval-loop'), server('billing'), 3004));
  // the console's gateway forwards to every service's HTTP API
  for (const app of APPS.filter((a) => a.name !== 'console'))
    allowed.add(key(server('console'), server(app.name), app.httpPort));
  // policy-engine's scope dry run reads observability-store
  allowed.add(key(server('policy-engine'), server('observability-store'), 3003));
  // the control plane: policy-engine's gRPC and HTTP
  allowed.add(key(CONTROL_PLANE, server('policy-engine'), 3002));
  allowed.add(key(CONTROL_PLANE, server('policy-engine'), 50051));
  // dev's in-cluster NATS also takes the other planes' producers
  if (env === 'dev') {
    allowed.add(key(CONTROL_PLANE, nats, 4222));
    allowed.add(key(USER_PLANE, nats, 4222));
  }
  // DNS for every pod of the namespace
  const inNamespace = [
    ...plane.servers.values(),
    ...plane.migrations.values(),
    ...plane.infra.values(),
    plane.debugPod,
  ];
  for (const pod of inNamespace) {
    allowed.add(key(pod, KUBE_DNS, 53, 'UDP'));
    allowed.add(key(pod, KUBE_DNS, 53, 'TCP'));
  }
  return allowed;
}

function allFlows(plane: Plane, env: 'dev' | 'prod'): Flow[] {
  const inside: Endpoint[] = [
    ...plane.servers.values(),
    ...plane.migrations.values(),
    ...plane.infra.values(),
    plane.debugPod,
  ];
  const outsideEndpoints: Endpoint[] = [
    INGRESS,
    PROMETHEUS,
    CONTROL_PLANE,
    USER_PLANE,
    KUBE_DNS,
    STRANGER,
    INTERNET,
  ];
  if (env === 'prod') outsideEndpoints.push(PROD_NATS, MANAGED_POSTGRES);
  const isInside = (e: Endpoint) => inside.includes(e);
  const flows: Flow[] = [];
  for (const from of [...inside, ...outsideEndpoints])
    for (const to of [...inside, ...outsideEndpoints]) {
      if (from === to || (!isInside(from) && !isInside(to))) continue; // not this namespace's business
      for (const port of PROBE_PORTS) flows.push({ from, to, port });
      flows.push({ from, to, port: 53, protocol: 'UDP' });
    }
  return flows;
}

describe.each(['dev', 'prod'] as const)('NetworkPolicies of the %s overlay', (env) => {
  let plane: Plane;

  beforeAll(() => {
    plane = planeOf(kustomizeBuild(ROOT, `deploy/k8s/overlays/${env}`));
  });

  const verdict = (flow: Flow) => evaluateFlow(plane.policies, flow, plane.namespace);

  it('should let every documented flow through', () => {
    const documented = documentedFlows(plane, env);
    const refused = allFlows(plane, env)
      .filter((f) => documented.has(key(f.from, f.to, f.port, f.protocol)))
      .map((f) => ({ flow: describeFlow(f), verdict: verdict(f) }))
      .filter((r) => !r.verdict.allowed);
    expect(refused).toEqual([]);
    expect(documented.size).toBeGreaterThan(30);
  });

  it('should refuse every other connection between the modelled pods and addresses', () => {
    const documented = documentedFlows(plane, env);
    const flows = allFlows(plane, env);
    const leaks = flows
      .filter((f) => !documented.has(key(f.from, f.to, f.port, f.protocol)))
      .map((f) => ({ flow: describeFlow(f), verdict: verdict(f) }))
      .filter((r) => r.verdict.allowed);
    expect(leaks).toEqual([]);
    expect(flows.length).toBeGreaterThan(1000);
  });

  it.each([
    ['tenant-registry', 'billing', 3004],
    ['billing', 'eval-loop', 3005],
    ['observability-store', 'policy-engine', 3002],
    ['billing', 'policy-engine', 50051],
  ])('should refuse %s -> %s:%d', (from, to, port) => {
    expect(verdict({ from: plane.servers.get(from)!, to: plane.servers.get(to)!, port }).allowed).toBe(false);
  });

  it('should keep migration Jobs to PostgreSQL (no NATS, no other service)', () => {
    const job = plane.migrations.get('billing-migrate')!;
    const nats = env === 'dev' ? plane.infra.get('nats')! : PROD_NATS;
    expect(verdict({ from: job, to: nats, port: 4222 }).allowed).toBe(false);
    expect(verdict({ from: job, to: plane.servers.get('tenant-registry')!, port: 3001 }).allowed).toBe(false);
  });

  it('should refuse the ingress controller anything but the apps HTTP ports', () => {
    expect(verdict({ from: INGRESS, to: plane.servers.get('policy-engine')!, port: 50051 }).allowed).toBe(
      false,
    );
    expect(verdict({ from: INGRESS, to: plane.servers.get('billing')!, port: 3004 }).allowed).toBe(true);
    if (env === 'dev')
      expect(verdict({ from: INGRESS, to: plane.infra.get('postgresql')!, port: 5432 }).allowed).toBe(false);
  });

  it('should refuse pods of other namespaces, unlabelled pods of this one and the internet', () => {
    const billing = plane.servers.get('billing')!;
    expect(verdict({ from: STRANGER, to: billing, port: 3004 }).allowed).toBe(false);
    expect(verdict({ from: plane.debugPod, to: billing, port: 3004 }).allowed).toBe(false);
    expect(verdict({ from: CONTROL_PLANE, to: billing, port: 3004 }).allowed).toBe(false);
    expect(verdict({ from: billing, to: INTERNET, port: 443 }).allowed).toBe(false);
  });
});
