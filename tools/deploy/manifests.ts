// Kubernetes objects of the plane, built from tools/deploy/spec.ts. Typed with kubernetes-models'
// interfaces, so a misspelt field is a compile error here rather than a silently ignored key in a cluster.
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IIoK8sApiNetworkingV1NetworkPolicyPeer as NetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { IIoK8sApiNetworkingV1NetworkPolicyPort as NetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IIoK8sApiCoreV1Container as Container } from 'kubernetes-models/v1/Container';
import type { IIoK8sApiCoreV1EnvVar as EnvVar } from 'kubernetes-models/v1/EnvVar';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IIoK8sApiCoreV1PodSecurityContext as PodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IIoK8sApiCoreV1Probe as Probe } from 'kubernetes-models/v1/Probe';
import type { IIoK8sApiCoreV1SecurityContext as SecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { AppEnvVariable } from './app-env.js';
import {
  ENV_SOURCES,
  ENVIRONMENT,
  imageOf,
  NATS_CLIENT_PORT,
  NATS_MONITOR_PORT,
  PART_OF,
  PEERS,
  POSTGRES_PORT,
  type DeployedApp,
  type Environment,
  type PeerSelector,
  type Resources,
} from './spec.js';

/** The uid and gid the app images run as (the Dockerfile's USER). */
export const APP_UID = 10001;

export type Component = 'server' | 'migration' | 'message-broker' | 'database';

/** Every object carries these: what it belongs to, which app and which part of it. */
export function labelsOf(name: string, component: Component): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': PART_OF,
  };
}

/** The pods of an app's Deployment (its Service, PDB and NetworkPolicy select these). */
export function serverSelector(app: string): Record<string, string> {
  return { 'app.kubernetes.io/name': app, 'app.kubernetes.io/component': 'server' };
}

/** An app with the environment variables it reads (from its zod schema). */
export interface AppWithEnv extends DeployedApp {
  env: readonly AppEnvVariable[];
}

export const configMapOf = (app: string): string => `${app}-config`;
export const migrationJobOf = (app: string): string => `${app}-migrate`;

// ---- security ----------------------------------------------------------------------------------------

function podSecurity(uid: number, fsGroup?: number): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    ...(fsGroup === undefined ? {} : { fsGroup, fsGroupChangePolicy: 'OnRootMismatch' }),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The Pod Security Standard "restricted" profile, plus a read-only root filesystem. */
export function containerSecurity(): SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

// ---- environment -------------------------------------------------------------------------------------

/** ConfigMap literals: the variables the app reads whose value the deployment sets (not secrets). */
export function configLiterals(app: AppWithEnv, env: Environment): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const variable of app.env) {
    const source = ENV_SOURCES[variable.name];
    if (!source)
      throw new Error(
        `${app.name} reads ${variable.name}, which tools/deploy/spec.ts ENV_SOURCES does not cover: ` +
          `say where its value comes from in a cluster (a value, a secret, or the app's default)`,
      );
    if (source.kind !== 'value') continue;
    const value = source.value(app, env);
    if (value === undefined) {
      if (variable.required)
        throw new Error(`${app.name} requires ${variable.name} but spec.ts gives no value`);
      continue;
    }
    out.push([variable.name, value]);
  }
  return out;
}

/** Literals that differ between overlays (the rest live in the base). */
export function environmentSpecificLiterals(app: AppWithEnv, env: Environment): Array<[string, string]> {
  const base = new Map(configLiterals(app, 'dev'));
  return configLiterals(app, env).filter(([k, v]) => base.get(k) !== v);
}

/**
 * Variables from Secrets: the service gets every one; the migration Job only those with a migration key
 * (the schema owner's credentials); the init container that waits for migrations only those too, with
 * the service's own credentials.
 */
function secretEnv(app: AppWithEnv, purpose: 'server' | 'migration' | 'check'): EnvVar[] {
  const out: EnvVar[] = [];
  for (const variable of app.env) {
    const source = ENV_SOURCES[variable.name];
    if (source?.kind !== 'secret') continue;
    if (purpose !== 'server' && source.migrationKey === undefined) continue;
    out.push({
      name: variable.name,
      valueFrom: {
        secretKeyRef: {
          name: source.secret(app.name),
          key: purpose === 'migration' ? source.migrationKey! : source.key,
          ...(source.optional ? { optional: true } : {}),
        },
      },
    });
  }
  return out;
}

function mebibytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!m) throw new Error(`memory quantity ${quantity}: use Mi or Gi`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}

/** V8's old space at 75% of the memory limit: the heap is collected before the kernel kills the pod. */
export function nodeOptionsFor(resources: Resources): string {
  return `--max-old-space-size=${Math.floor(mebibytes(resources.limits.memory) * 0.75)}`;
}

// ---- app objects (base) ------------------------------------------------------------------------------

const TMP_VOLUME = { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } };
const TMP_MOUNT = { name: 'tmp', mountPath: '/tmp' };

function httpProbe(path: string, periodSeconds: number, failureThreshold: number): Probe {
  return { httpGet: { path, port: 'http' }, periodSeconds, timeoutSeconds: 3, failureThreshold };
}

export function serviceAccount(app: DeployedApp): IServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: app.name, labels: labelsOf(app.name, 'server') },
    // The services never call the Kubernetes API.
    automountServiceAccountToken: false,
  };
}

export function deployment(app: AppWithEnv, env: Environment = 'dev'): IDeployment {
  const resources = app.deploy.resources[env];
  const ports: NonNullable<Container['ports']> = [
    { name: 'http', containerPort: app.httpPort, protocol: 'TCP' },
  ];
  if (app.grpcPort !== undefined) ports.push({ name: 'grpc', containerPort: app.grpcPort, protocol: 'TCP' });
  const envFrom = [{ configMapRef: { name: configMapOf(app.name) } }];
  const initContainers: Container[] =
    app.migrates === false
      ? []
      : [
          {
            // The new version starts only once its migrations are applied, however it was deployed
            // (skaffold, kubectl apply -k, a GitOps tool): `migrate.js --check` exits 1 while any is pending.
            name: 'wait-for-migrations',
            image: imageOf(app.name),
            imagePullPolicy: 'IfNotPresent',
            command: [
              'sh',
              '-c',
              `until node apps/${app.name}/dist/migrate.js --check; do ` +
                `echo "${app.name}: waiting for Job ${migrationJobOf(app.name)}"; sleep 5; done`,
            ],
            envFrom,
            env: secretEnv(app, 'check'),
            resources: {
              requests: { cpu: '10m', memory: '64Mi' },
              limits: { cpu: '200m', memory: '192Mi' },
            },
            securityContext: containerSecurity(),
            volumeMounts: [TMP_MOUNT],
          },
        ];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app.name, labels: labelsOf(app.name, 'server') },
    spec: {
      // An autoscaled Deployment leaves replicas to its autoscaler: applying a number would reset it.
      ...(app.deploy.autoscaling ? {} : { replicas: app.deploy.replicas[env] }),
      revisionHistoryLimit: 5,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      selector: { matchLabels: serverSelector(app.name) },
      template: {
        metadata: {
          labels: labelsOf(app.name, 'server'),
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(app.httpPort),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: app.name,
          automountServiceAccountToken: false,
          // No <SERVICE>_PORT variables injected for every Service of the namespace.
          enableServiceLinks: false,
          // preStop (5 s, endpoints catch up) + the service's own shutdown bound (25 s) + margin.
          terminationGracePeriodSeconds: 35,
          securityContext: podSecurity(APP_UID),
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: serverSelector(app.name) },
            },
          ],
          initContainers,
          containers: [
            {
              name: app.name,
              image: imageOf(app.name),
              imagePullPolicy: 'IfNotPresent',
              command: ['node', `apps/${app.name}/dist/main.js`],
              ports,
              envFrom,
              env: [...secretEnv(app, 'server'), { name: 'NODE_OPTIONS', value: nodeOptionsFor(resources) }],
              resources,
              startupProbe: { ...httpProbe('/healthz', 2, 30), timeoutSeconds: 2 },
              livenessProbe: httpProbe('/healthz', 10, 3),
              readinessProbe: httpProbe('/readyz', 5, 2),
              lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
              securityContext: containerSecurity(),
              volumeMounts: [TMP_MOUNT],
            },
          ],
          volumes: [TMP_VOLUME],
        },
      },
    },
  };
}

export function service(app: DeployedApp): IService {
  const ports: NonNullable<IService['spec']>['ports'] = [
    { name: 'http', port: app.httpPort, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
  ];
  if (app.grpcPort !== undefined)
    ports.push({
      name: 'grpc',
      port: app.grpcPort,
      targetPort: 'grpc',
      protocol: 'TCP',
      appProtocol: 'kubernetes.io/h2c',
    });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app.name, labels: labelsOf(app.name, 'server') },
    spec: { type: 'ClusterIP', selector: serverSelector(app.name), ports },
  };
}

export function podDisruptionBudget(app: DeployedApp): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: app.name, labels: labelsOf(app.name, 'server') },
    spec: {
      // One at a time; with one replica a drain still proceeds (minAvailable: 1 would block it).
      maxUnavailable: 1,
      selector: { matchLabels: serverSelector(app.name) },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}

export function migrationJob(app: AppWithEnv): IJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: migrationJobOf(app.name), labels: labelsOf(app.name, 'migration') },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 900,
      // Kept a day for its logs; a later apply after that simply runs it again (a no-op when up to date).
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: labelsOf(app.name, 'migration') },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: app.name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurity(APP_UID),
          containers: [
            {
              name: 'migrate',
              image: imageOf(app.name),
              imagePullPolicy: 'IfNotPresent',
              command: ['node', `apps/${app.name}/dist/migrate.js`],
              envFrom: [{ configMapRef: { name: configMapOf(app.name) } }],
              // The schema owner's credentials: only the Job holds them, the service runs with fewer rights.
              env: secretEnv(app, 'migration'),
              resources: {
                requests: { cpu: '50m', memory: '128Mi' },
                limits: { cpu: '500m', memory: '256Mi' },
              },
              securityContext: containerSecurity(),
              volumeMounts: [TMP_MOUNT],
            },
          ],
          volumes: [TMP_VOLUME],
        },
      },
    },
  };
}

function peer(selector: PeerSelector): NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { ...selector.namespaceLabels } },
    ...(selector.podLabels ? { podSelector: { matchLabels: { ...selector.podLabels } } } : {}),
  };
}

const tcp = (port: number | string): NetworkPolicyPort => ({ protocol: 'TCP', port });

/** Who may reach the app, and which of the plane's APIs it may call (DNS and datastores: platform). */
export function appNetworkPolicy(app: DeployedApp, all: readonly DeployedApp[]): INetworkPolicy {
  const callers = all.filter((a) => a.deploy.calls.includes(app.name)).map((a) => a.name);
  const ingress: NonNullable<INetworkPolicy['spec']>['ingress'] = [
    { from: [peer(PEERS.ingressController)], ports: [tcp('http')] },
    { from: [peer(PEERS.prometheus)], ports: [tcp('http')] },
  ];
  if (callers.length > 0)
    ingress.push({
      from: [
        {
          podSelector: {
            matchLabels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/component': 'server' },
            matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: callers }],
          },
        },
      ],
      ports: [tcp('http')],
    });
  if (app.deploy.controlPlane)
    ingress.push({
      from: [peer(PEERS.controlPlane)],
      ports: app.grpcPort === undefined ? [tcp('http')] : [tcp('http'), tcp('grpc')],
    });
  const egress = app.deploy.calls.map((name) => {
    const callee = all.find((a) => a.name === name);
    if (!callee) throw new Error(`${app.name} calls unknown app ${name}`);
    return { to: [{ podSelector: { matchLabels: serverSelector(name) } }], ports: [tcp(callee.httpPort)] };
  });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: app.name, labels: labelsOf(app.name, 'server') },
    spec: {
      podSelector: { matchLabels: serverSelector(app.name) },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress,
    },
  };
}

export function horizontalPodAutoscaler(app: DeployedApp): IHorizontalPodAutoscaler {
  const hpa = app.deploy.autoscaling?.hpa;
  if (!hpa) throw new Error(`${app.name} is not autoscaled`);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: app.name, labels: labelsOf(app.name, 'server') },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app.name },
      minReplicas: hpa.minReplicas,
      maxReplicas: hpa.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: hpa.cpuUtilization } },
        },
      ],
      behavior: SCALE_BEHAVIOUR,
    },
  };
}

// Scale up at once, down slowly: a consumer backlog comes in bursts.
const SCALE_BEHAVIOUR = {
  scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }] },
  scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
};

export function scaledObject(app: DeployedApp, env: Environment): IScaledObject {
  const keda = app.deploy.autoscaling?.keda;
  if (!keda) throw new Error(`${app.name} has no KEDA scaling`);
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: app.name, labels: labelsOf(app.name, 'server') },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app.name },
      minReplicaCount: keda.minReplicas,
      maxReplicaCount: keda.maxReplicas,
      pollingInterval: 15,
      cooldownPeriod: 300,
      advanced: { horizontalPodAutoscalerConfig: { behavior: SCALE_BEHAVIOUR } },
      triggers: [
        { type: 'cpu', metricType: 'Utilization', metadata: { value: String(keda.cpuUtilization) } },
        ...keda.streams.map((stream) => ({
          type: 'nats-jetstream',
          metadata: {
            natsServerMonitoringEndpoint: ENVIRONMENT[env].natsMonitoring,
            account: '$G',
            stream,
            consumer: keda.durable,
            lagThreshold: String(keda.lagThreshold),
            activationLagThreshold: '0',
            useHttps: 'false',
          },
        })),
      ],
    },
  };
}

export function ingress(app: DeployedApp, env: Environment): IIngress {
  const spec = ENVIRONMENT[env];
  const host = `${app.name}.${spec.domain}`;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: app.name, labels: labelsOf(app.name, 'server') },
    spec: {
      ingressClassName: 'nginx',
      ...(spec.tlsSecret ? { tls: [{ hosts: [host], secretName: spec.tlsSecret }] } : {}),
      rules: [
        {
          host,
          http: {
            paths: app.deploy.ingressPaths.map((path) => ({
              path,
              pathType: 'Prefix',
              backend: { service: { name: app.name, port: { name: 'http' } } },
            })),
          },
        },
      ],
    },
  };
}

// ---- platform (per overlay) --------------------------------------------------------------------------

export function namespace(env: Environment): INamespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ENVIRONMENT[env].namespace,
      labels: {
        'app.kubernetes.io/part-of': PART_OF,
        // Every pod here must meet the "restricted" Pod Security Standard; the API server rejects others.
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
    },
  };
}

const PLANE_PODS = (components: readonly Component[]) => ({
  matchLabels: { 'app.kubernetes.io/part-of': PART_OF },
  matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: [...components] }],
});

function platformPolicy(name: string, spec: NonNullable<INetworkPolicy['spec']>): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': PART_OF } },
    spec,
  };
}

/** Namespace-wide policies: deny by default, DNS for all, and the way to PostgreSQL and NATS. */
export function platformNetworkPolicies(env: Environment): INetworkPolicy[] {
  const spec = ENVIRONMENT[env];
  const postgresPeer: NetworkPolicyPeer = spec.postgres.inNamespace
    ? { podSelector: { matchLabels: { ...spec.postgres.podLabels } } }
    : { ipBlock: { cidr: spec.postgres.cidr } };
  const natsPeer: NetworkPolicyPeer = spec.nats.inNamespace
    ? { podSelector: { matchLabels: { ...spec.nats.podLabels } } }
    : peer(spec.nats);
  const policies = [
    platformPolicy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    platformPolicy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [peer(PEERS.kubeDns)],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
    platformPolicy('allow-postgres', {
      podSelector: PLANE_PODS(['server', 'migration']),
      policyTypes: ['Egress'],
      egress: [{ to: [postgresPeer], ports: [tcp(POSTGRES_PORT)] }],
    }),
    platformPolicy('allow-nats', {
      podSelector: PLANE_PODS(['server']),
      policyTypes: ['Egress'],
      egress: [{ to: [natsPeer], ports: [tcp(NATS_CLIENT_PORT)] }],
    }),
  ];
  if (spec.nats.inNamespace)
    policies.push(
      platformPolicy('nats', {
        podSelector: { matchLabels: { ...spec.nats.podLabels } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            // The services, and the producers of the other planes (agent and execution events,
            // policy requests).
            from: [{ podSelector: PLANE_PODS(['server']) }, peer(PEERS.controlPlane), peer(PEERS.userPlane)],
            ports: [tcp(NATS_CLIENT_PORT)],
          },
        ],
      }),
    );
  if (spec.postgres.inNamespace)
    policies.push(
      platformPolicy('postgresql', {
        podSelector: { matchLabels: { ...spec.postgres.podLabels } },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ podSelector: PLANE_PODS(['server', 'migration']) }], ports: [tcp(POSTGRES_PORT)] },
        ],
      }),
    );
  return policies;
}

// ---- dev datastores ----------------------------------------------------------------------------------

export const DEV_DATABASE = { user: 'auraison', database: 'auraison', password: 'auraison-dev' } as const;
export const DEV_DATABASE_URL = `postgres://${DEV_DATABASE.user}:${DEV_DATABASE.password}@postgresql:${POSTGRES_PORT}/${DEV_DATABASE.database}`;

const NATS_UID = 1000;
const POSTGRES_UID = 999; // the postgres user of the official image

export function devNats(): Array<IService | IStatefulSet> {
  const labels = labelsOf('nats', 'message-broker');
  const selector = { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'message-broker' };
  const healthz = (query: string, periodSeconds: number, failureThreshold: number): Probe => ({
    httpGet: { path: `/healthz${query}`, port: 'monitor' },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold,
  });
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'nats', labels },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: 'client', port: NATS_CLIENT_PORT, targetPort: 'client', protocol: 'TCP' },
          { name: 'monitor', port: NATS_MONITOR_PORT, targetPort: 'monitor', protocol: 'TCP' },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'nats', labels },
      spec: {
        serviceName: 'nats',
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            // SIGTERM makes nats-server flush JetStream and close its stores.
            terminationGracePeriodSeconds: 60,
            securityContext: podSecurity(NATS_UID, NATS_UID),
            containers: [
              {
                name: 'nats',
                image: 'nats:2.12-alpine',
                args: ['--config', '/etc/nats/nats.conf'],
                ports: [
                  { name: 'client', containerPort: NATS_CLIENT_PORT, protocol: 'TCP' },
                  { name: 'monitor', containerPort: NATS_MONITOR_PORT, protocol: 'TCP' },
                ],
                resources: {
                  requests: { cpu: '50m', memory: '128Mi' },
                  limits: { cpu: '1', memory: '512Mi' },
                },
                startupProbe: healthz('', 5, 60),
                livenessProbe: healthz('?js-enabled-only=true', 30, 3),
                readinessProbe: healthz('?js-enabled-only=true', 10, 3),
                securityContext: containerSecurity(),
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/nats', readOnly: true },
                  { name: 'data', mountPath: '/data' },
                ],
              },
            ],
            volumes: [{ name: 'config', configMap: { name: 'nats-config' } }],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
          },
        ],
      },
    },
  ];
}

export function devPostgres(): Array<IService | IStatefulSet> {
  const labels = labelsOf('postgresql', 'database');
  const selector = { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/component': 'database' };
  const ready: Probe = {
    exec: {
      command: ['pg_isready', '-h', '127.0.0.1', '-U', DEV_DATABASE.user, '-d', DEV_DATABASE.database],
    },
    periodSeconds: 10,
    timeoutSeconds: 5,
    failureThreshold: 3,
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'postgresql', labels },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'postgresql', port: POSTGRES_PORT, targetPort: 'postgresql', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'postgresql', labels },
      spec: {
        serviceName: 'postgresql',
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 60,
            securityContext: podSecurity(POSTGRES_UID, POSTGRES_UID),
            containers: [
              {
                name: 'postgresql',
                image: 'postgres:17-bookworm',
                env: [
                  { name: 'POSTGRES_USER', value: DEV_DATABASE.user },
                  { name: 'POSTGRES_DB', value: DEV_DATABASE.database },
                  {
                    name: 'POSTGRES_PASSWORD',
                    valueFrom: { secretKeyRef: { name: 'postgresql', key: 'password' } },
                  },
                  { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
                ],
                ports: [{ name: 'postgresql', containerPort: POSTGRES_PORT, protocol: 'TCP' }],
                resources: {
                  requests: { cpu: '100m', memory: '256Mi' },
                  limits: { cpu: '1', memory: '1Gi' },
                },
                startupProbe: { ...ready, periodSeconds: 2, failureThreshold: 60 },
                livenessProbe: { ...ready, periodSeconds: 20 },
                readinessProbe: ready,
                securityContext: containerSecurity(),
                volumeMounts: [
                  { name: 'data', mountPath: '/var/lib/postgresql/data' },
                  { name: 'run', mountPath: '/var/run/postgresql' },
                  TMP_MOUNT,
                ],
              },
            ],
            volumes: [{ name: 'run', emptyDir: {} }, TMP_VOLUME],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
          },
        ],
      },
    },
  ];
}

/** The dev NATS configuration: one server, JetStream on file storage, fsync before every ack. */
export function devNatsConfig(): string {
  return `# NATS of the dev overlay: one server, JetStream on file storage (deploy/README.md, "Message-layer
# durability"). Generated by tools/deploy/generate.ts.
server_name: nats-dev
listen: 0.0.0.0:${NATS_CLIENT_PORT}
http: 0.0.0.0:${NATS_MONITOR_PORT}

# MP_DLQ keeps dead letters up to 2 MiB (the original bytes plus headers): the default 1 MB would
# refuse the largest of them.
max_payload: 2MB

jetstream {
  store_dir: /data/jetstream
  max_memory_store: 64MB
  max_file_store: 8GB
  # One server and streams with one replica: no other copy exists. The default (fsync every 2
  # minutes) loses acknowledged events when the node or its disk goes down (Jepsen, NATS 2.12.1);
  # "always" fsyncs each message before the PubAck. Its cost is in deploy/README.md; dev traffic is
  # far below it.
  sync_interval: always
}
`;
}
