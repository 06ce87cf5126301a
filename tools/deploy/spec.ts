// The deployment of the plane, as data: which apps exist (tools/local/apps.ts, shared with `npm start`),
// what each one needs in Kubernetes, who may talk to whom (DESIGN §2, §4), and what differs between the
// dev and prod overlays. `tools/deploy/generate.ts` turns this into deploy/k8s/** and skaffold.yaml;
// edit here and regenerate, never the generated files. Adding the console later is one entry in APPS
// (tools/local/apps.ts) and one in DEPLOY below.
import { APPS, type AppSpec } from '../local/apps.js';

export const PART_OF = 'auraison-management-plane';

/** Image name of an app, as skaffold's artifact and the manifests spell it (skaffold adds the tag). */
export const imageOf = (app: string): string => `auraison/${app}`;

/** The two overlays. */
export const ENVIRONMENTS = ['dev', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export interface PerEnvironment<T> {
  dev: T;
  prod: T;
}

export interface HttpAutoscaling {
  /** HorizontalPodAutoscaler on CPU (dev, and any cluster without KEDA). */
  hpa: { minReplicas: number; maxReplicas: number; cpuUtilization: number };
  /**
   * KEDA ScaledObject in prod, replacing the HPA (KEDA owns the HPA it creates; a second HPA on the
   * same Deployment would fight it): the same CPU target plus JetStream consumer lag.
   */
  keda: {
    minReplicas: number;
    maxReplicas: number;
    cpuUtilization: number;
    /** Streams whose durable consumer `durable` is this app's backlog. */
    streams: readonly string[];
    durable: string;
    /** Pending messages per replica that KEDA aims for. */
    lagThreshold: number;
  };
}

export interface AppDeploySpec {
  /** Apps whose HTTP API this app calls (DESIGN §2/§4: JWKS from tenant-registry, eval-loop's reads). */
  calls: readonly string[];
  /** Path prefixes published on the app's Ingress host (never /metrics, /healthz, /readyz). */
  ingressPaths: readonly string[];
  /** The control plane (namespaces labelled auraison.io/plane=control) reaches HTTP and gRPC. */
  controlPlane: boolean;
  /** Replicas per overlay (ignored when autoscaled). */
  replicas: PerEnvironment<number>;
  resources: PerEnvironment<Resources>;
  autoscaling?: HttpAutoscaling;
}

const small: Resources = {
  requests: { cpu: '50m', memory: '160Mi' },
  limits: { cpu: '500m', memory: '384Mi' },
};

// prod is stricter: memory request == limit (no overcommit: a pod is never OOM-killed because a
// neighbour grew), more CPU reserved, CPU capped.
const prodDefault: Resources = {
  requests: { cpu: '250m', memory: '512Mi' },
  limits: { cpu: '1', memory: '512Mi' },
};

const TENANT_REGISTRY = 'tenant-registry';

/** Deployment details per app; every app in tools/local/apps.ts needs an entry (checked). */
export const DEPLOY: Readonly<Record<string, AppDeploySpec>> = {
  'tenant-registry': {
    calls: [],
    ingressPaths: ['/api', '/.well-known'],
    controlPlane: false,
    replicas: { dev: 1, prod: 2 },
    resources: { dev: small, prod: prodDefault },
  },
  'policy-engine': {
    // observability-store: the dry run of a proposed scope reads recorded tool calls.
    calls: [TENANT_REGISTRY, 'observability-store'],
    ingressPaths: ['/api'],
    controlPlane: true,
    replicas: { dev: 1, prod: 3 },
    resources: {
      dev: small,
      // The hot path (every agent spawn asks it): more CPU reserved.
      prod: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '512Mi' } },
    },
  },
  'observability-store': {
    calls: [TENANT_REGISTRY],
    ingressPaths: ['/api'],
    controlPlane: false,
    replicas: { dev: 1, prod: 2 },
    resources: {
      dev: small,
      prod: { requests: { cpu: '500m', memory: '768Mi' }, limits: { cpu: '2', memory: '768Mi' } },
    },
  },
  billing: {
    calls: [TENANT_REGISTRY],
    ingressPaths: ['/api'],
    controlPlane: false,
    replicas: { dev: 1, prod: 2 },
    resources: { dev: small, prod: prodDefault },
    autoscaling: {
      hpa: { minReplicas: 1, maxReplicas: 3, cpuUtilization: 70 },
      keda: {
        minReplicas: 2,
        maxReplicas: 10,
        cpuUtilization: 70,
        streams: ['MP_AGENT_EVENTS', 'MP_EXECUTION_EVENTS'],
        durable: 'billing',
        lagThreshold: 2000,
      },
    },
  },
  'eval-loop': {
    calls: [TENANT_REGISTRY, 'observability-store', 'billing'],
    ingressPaths: ['/api'],
    controlPlane: false,
    // Runs are serialized per tenant by an advisory lock, so replicas never run one twice. A run holds
    // its window in memory: about 1 GiB of heap per million events (apps/eval-loop/README.md).
    replicas: { dev: 1, prod: 2 },
    resources: {
      dev: { requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
      prod: { requests: { cpu: '250m', memory: '1536Mi' }, limits: { cpu: '1', memory: '1536Mi' } },
    },
  },
  console: {
    // The gateway forwards /api/<service>/... to every service's HTTP API.
    calls: [TENANT_REGISTRY, 'policy-engine', 'observability-store', 'billing', 'eval-loop'],
    ingressPaths: ['/'],
    controlPlane: false,
    replicas: { dev: 1, prod: 2 },
    resources: {
      dev: small,
      prod: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    },
  },
};

export interface DeployedApp extends AppSpec {
  deploy: AppDeploySpec;
}

/** The apps with their deployment details, in start order (tenant-registry first). */
export function deployedApps(apps: readonly AppSpec[] = APPS): DeployedApp[] {
  const missing = apps.filter((a) => !DEPLOY[a.name]).map((a) => a.name);
  if (missing.length > 0)
    throw new Error(
      `tools/deploy/spec.ts: no DEPLOY entry for ${missing.join(', ')} (tools/local/apps.ts has it)`,
    );
  const unknown = Object.keys(DEPLOY).filter((name) => !apps.some((a) => a.name === name));
  if (unknown.length > 0)
    throw new Error(`tools/deploy/spec.ts: DEPLOY names unknown app(s) ${unknown.join(', ')}`);
  return apps.map((a) => ({ ...a, deploy: DEPLOY[a.name]! }));
}

/** Label selector of the peers outside the namespace (conventional defaults; see deploy/README.md). */
export interface PeerSelector {
  namespaceLabels: Record<string, string>;
  podLabels?: Record<string, string>;
}

export const PEERS = {
  ingressController: {
    namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
    podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' },
  },
  prometheus: {
    namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
    podLabels: { 'app.kubernetes.io/name': 'prometheus' },
  },
  /** The Python control plane (agents, mpctl): namespaces labelled auraison.io/plane=control. */
  controlPlane: { namespaceLabels: { 'auraison.io/plane': 'control' } },
  /** Tenant namespaces running RayJobs (publish mp.execution.events): auraison.io/plane=user. */
  userPlane: { namespaceLabels: { 'auraison.io/plane': 'user' } },
  kubeDns: {
    namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
    podLabels: { 'k8s-app': 'kube-dns' },
  },
} as const satisfies Record<string, PeerSelector>;

export const POSTGRES_PORT = 5432;
export const NATS_CLIENT_PORT = 4222;
export const NATS_MONITOR_PORT = 8222;

/** Where an overlay's PostgreSQL and NATS live, and the rest of what differs per overlay. */
export interface EnvironmentSpec {
  namespace: string;
  /** Apps are published at `<app>.<domain>`. */
  domain: string;
  /** TLS secret for the Ingress hosts (none in dev). */
  tlsSecret?: string;
  natsUrl: string;
  /** NATS pods: in this namespace (dev StatefulSet) or another one (prod). */
  nats: PeerSelector & { inNamespace: boolean };
  /** The NATS monitoring endpoint KEDA polls (host:port, no scheme). */
  natsMonitoring: string;
  /** PostgreSQL: pods in this namespace (dev) or an address range outside the cluster (prod). */
  postgres: { inNamespace: true; podLabels: Record<string, string> } | { inNamespace: false; cidr: string };
  /** Stream replicas the messaging library should be given (MP_STREAM_REPLICAS, see README). */
  streamReplicas: number;
}

export const ENVIRONMENT: Readonly<Record<Environment, EnvironmentSpec>> = {
  dev: {
    namespace: 'auraison-mp-dev',
    domain: 'mp.localhost',
    natsUrl: `nats://nats:${NATS_CLIENT_PORT}`,
    nats: { inNamespace: true, namespaceLabels: {}, podLabels: { 'app.kubernetes.io/name': 'nats' } },
    natsMonitoring: `nats:${NATS_MONITOR_PORT}`,
    postgres: { inNamespace: true, podLabels: { 'app.kubernetes.io/name': 'postgresql' } },
    streamReplicas: 1,
  },
  prod: {
    namespace: 'auraison-mp',
    domain: 'mp.example.com',
    tlsSecret: 'auraison-mp-tls',
    // The NATS Helm chart's defaults: release `nats` in namespace `nats`, three servers.
    natsUrl: `nats://nats.nats.svc.cluster.local:${NATS_CLIENT_PORT}`,
    nats: {
      inNamespace: false,
      namespaceLabels: { 'kubernetes.io/metadata.name': 'nats' },
      podLabels: { 'app.kubernetes.io/name': 'nats' },
    },
    // KEDA asks each server of a cluster as `<server>.<endpoint>`: give it the headless service.
    natsMonitoring: `nats-headless.nats.svc.cluster.local:${NATS_MONITOR_PORT}`,
    // A managed PostgreSQL outside the cluster; narrow this to its address range (README).
    postgres: { inNamespace: false, cidr: '0.0.0.0/0' },
    streamReplicas: 3,
  },
};

/**
 * How each environment variable an app reads gets its value in Kubernetes. The generator fails on a
 * variable that is not listed here, so a new one is a decision, not an accident (a localhost default
 * is wrong in a cluster).
 */
export type EnvSource =
  | {
      kind: 'secret';
      secret: (app: string) => string;
      /** Key of the service's value. */
      key: string;
      /** Key of the migration Job's value (the Job gets only the secrets that have one). */
      migrationKey?: string;
      /** The Secret may be absent (the app has a default). */
      optional?: boolean;
    }
  | { kind: 'value'; value: (app: DeployedApp, env: Environment) => string | undefined }
  | { kind: 'app-default'; why: string };

export const ENV_SOURCES: Readonly<Record<string, EnvSource>> = {
  DATABASE_URL: {
    kind: 'secret',
    secret: (app) => databaseSecretOf(app),
    key: 'url',
    migrationKey: 'migration-url',
  },
  NATS_URL: { kind: 'value', value: (_app, env) => ENVIRONMENT[env].natsUrl },
  HTTP_HOST: { kind: 'value', value: () => '0.0.0.0' },
  HTTP_PORT: { kind: 'value', value: (app) => String(app.httpPort) },
  GRPC_PORT: {
    kind: 'value',
    value: (app) => (app.grpcPort === undefined ? undefined : String(app.grpcPort)),
  },
  // Behind the ingress controller the client address is in X-Forwarded-For (per-client rate limits);
  // the NetworkPolicies admit only the ingress controller and the plane's own callers.
  HTTP_TRUST_PROXY: { kind: 'value', value: () => 'true' },
  LOG_LEVEL: { kind: 'value', value: () => 'info' },
  MP_JWKS_URL: {
    kind: 'value',
    value: () => `http://${TENANT_REGISTRY}:${tenantRegistryPort()}/.well-known/jwks.json`,
  },
  MP_NATS_NAMESPACE: { kind: 'app-default', why: 'empty in a deployment: subjects and streams unprefixed' },
  // Not read yet: the later change that passes `replicas` to MessagingModule.forRoot reads it, and the
  // next generation then sets it (1 in dev, 3 in prod). deploy/README.md, "Message-layer durability".
  MP_STREAM_REPLICAS: { kind: 'value', value: (_app, env) => String(ENVIRONMENT[env].streamReplicas) },
  MP_AUTH_ISSUER: { kind: 'app-default', why: 'the issuer both sides agree on by default' },
  // Without the Secret the registry generates the first admin key and logs it once (README, "Secrets").
  MP_BOOTSTRAP_ADMIN_KEY: {
    kind: 'secret',
    secret: (app) => `${app}-bootstrap`,
    key: 'admin-key',
    optional: true,
  },
  MP_BOOTSTRAP_ADMIN_EMAIL: { kind: 'app-default', why: 'admin@auraison.local unless the team sets one' },
  // The tenant namespace reconciler stays off until a platform team gives tenant-registry a kubeconfig
  // (a Secret volume) and an egress rule to that API server: deploy/README.md, "Tenant namespaces".
  MP_KUBECONFIG: { kind: 'app-default', why: 'reconciler off: no kubeconfig mounted by default' },
  MP_K8S_RESYNC_SECONDS: { kind: 'app-default', why: 'every 300 s' },
  // policy-engine
  MP_ACTUATION_TOOLS: { kind: 'app-default', why: 'publish_cmd_vel and Nav2 goal tools' },
  MP_RESERVATION_GRACE_S: { kind: 'app-default', why: "300 s after a job's max duration" },
  MP_MAX_JOB_DURATION_S: { kind: 'app-default', why: 'a week' },
  MP_GATE_MAX_DURATION_S: { kind: 'app-default', why: 'a day' },
  MP_POLICY_POLL_MS: { kind: 'app-default', why: '250 ms fallback to the invalidation broadcast' },
  MP_SWEEP_INTERVAL_MS: { kind: 'app-default', why: 'every 5 s' },
  // observability-store
  MP_INGEST_BATCH_SIZE: { kind: 'app-default', why: '500 events per ingest transaction' },
  MP_INGEST_ACK_WAIT_SECONDS: { kind: 'app-default', why: "30 s before a dead replica's events move on" },
  MP_INGEST_MAX_EVENT_BYTES: { kind: 'app-default', why: '1 MiB; larger events are dead-lettered' },
  MP_AUDIT_CHECKPOINT_SECONDS: { kind: 'app-default', why: 'chain heads published every 60 s' },
  // billing
  MP_BILLING_BATCH_SIZE: { kind: 'app-default', why: '500 usage events per ingest transaction' },
  MP_BILLING_ACK_WAIT_SECONDS: { kind: 'app-default', why: "30 s before a dead replica's events move on" },
  MP_BILLING_MAX_TOKENS_PER_EVENT: { kind: 'app-default', why: '1e10 tokens of one class per event' },
  MP_BILLING_MAX_GPU_SECONDS: { kind: 'app-default', why: '1e10 GPU seconds per execution' },
  MP_BILLING_PRICING_INTERVAL_SECONDS: { kind: 'app-default', why: 'looks for new rates every 30 s' },
  // eval-loop: reads the other services' APIs with a platform service account's key.
  MP_TENANT_REGISTRY_URL: { kind: 'value', value: () => serviceUrl(TENANT_REGISTRY) },
  MP_OBSERVABILITY_URL: { kind: 'value', value: () => serviceUrl('observability-store') },
  MP_BILLING_URL: { kind: 'value', value: () => serviceUrl('billing') },
  // console: its gateway's upstreams.
  MP_POLICY_ENGINE_URL: { kind: 'value', value: () => serviceUrl('policy-engine') },
  MP_EVAL_LOOP_URL: { kind: 'value', value: () => serviceUrl('eval-loop') },
  MP_GATEWAY_TIMEOUT_MS: { kind: 'app-default', why: '30 s before the gateway answers 504' },
  MP_CONSOLE_WEB_DIR: { kind: 'app-default', why: 'dist/web next to the server bundle, in the image' },
  MP_SERVICE_API_KEY: {
    kind: 'secret',
    secret: (app) => `${app}-service-key`,
    key: 'api-key',
    optional: true,
  },
  EVAL_SCHEDULE: { kind: 'app-default', why: '@daily' },
  EVAL_EVERY_N_EXECUTIONS: { kind: 'app-default', why: 'every 100 terminal executions of a tenant' },
  EVAL_WINDOW_HOURS: { kind: 'app-default', why: '24 h windows' },
  EVAL_MIN_SAMPLE_SIZE: { kind: 'app-default', why: '30 runs' },
  EVAL_LABEL_KEY: { kind: 'app-default', why: 'job_kind' },
  // W&B stays off until a team sets its entity, project and key (deploy/README.md).
  WANDB_BASE_URL: { kind: 'app-default', why: 'https://api.wandb.ai' },
  WANDB_ENTITY: { kind: 'app-default', why: 'W&B off unless set' },
  WANDB_PROJECT: { kind: 'app-default', why: 'W&B off unless set' },
  WANDB_API_KEY: { kind: 'secret', secret: (app) => `${app}-wandb`, key: 'api-key', optional: true },
  WANDB_JOB_ID_KEY: { kind: 'app-default', why: 'job_id' },
  WANDB_MAX_ATTEMPTS: { kind: 'app-default', why: '5 attempts per W&B request' },
  EVAL_AGENT_LOOKBACK_HOURS: { kind: 'app-default', why: 'agent events from 24 h before the window' },
  EVAL_RUN_MAX_ATTEMPTS: { kind: 'app-default', why: '4 attempts before a run is reported failed' },
  EVAL_RUN_RETRY_SECONDS: { kind: 'app-default', why: '30 s, doubled each retry' },
  EVAL_WEBHOOK_ALLOW_PRIVATE: { kind: 'app-default', why: 'webhooks to private addresses refused' },
};

function serviceUrl(app: string): string {
  const spec = APPS.find((a) => a.name === app);
  if (!spec) throw new Error(`tools/local/apps.ts has no ${app}`);
  return `http://${app}:${spec.httpPort}`;
}

/** Variables Node itself reads, which the manifests may set although no app schema names them. */
export const RUNTIME_ENV = ['NODE_OPTIONS'] as const;

function tenantRegistryPort(): number {
  const tr = APPS.find((a) => a.name === TENANT_REGISTRY);
  if (!tr) throw new Error('tools/local/apps.ts has no tenant-registry');
  return tr.httpPort;
}

/** The Secret holding an app's database URLs (`url` for the service, `migration-url` for the Job). */
export const databaseSecretOf = (app: string): string => `${app}-database`;
