// Typed views of rendered workloads for the deploy tests: pod templates, containers and what they read.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { K8sObject } from './kustomize.js';

export interface EnvVarView {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

export interface ContainerView {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  env?: EnvVarView[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: ProbeView;
  readinessProbe?: ProbeView;
  startupProbe?: ProbeView;
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type: string };
    privileged?: boolean;
  };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface ProbeView {
  httpGet?: { path: string; port: number | string };
  exec?: { command: string[] };
}

export interface PodSpecView {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    seccompProfile?: { type: string };
  };
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  initContainers?: ContainerView[];
  containers: ContainerView[];
  volumes?: Array<{
    name: string;
    emptyDir?: object;
    configMap?: { name: string };
    secret?: { secretName: string };
    hostPath?: object;
  }>;
}

export interface PodTemplateView {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpecView;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'Job', 'DaemonSet', 'ReplicaSet']);

export function isWorkload(o: K8sObject): boolean {
  return WORKLOAD_KINDS.has(o.kind);
}

export function podTemplate(o: K8sObject): PodTemplateView {
  const spec = o.spec as { template?: PodTemplateView } | undefined;
  if (!spec?.template) throw new Error(`${o.kind}/${o.metadata.name} has no pod template`);
  return spec.template;
}

export function allContainers(pod: PodSpecView): ContainerView[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/** The variable names a container gets: env entries and the keys of the ConfigMaps it loads whole. */
export function envNames(container: ContainerView, objects: readonly K8sObject[]): string[] {
  const names = new Set((container.env ?? []).map((e) => e.name));
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      const cm = find(objects, 'ConfigMap', from.configMapRef.name);
      if (!cm) throw new Error(`ConfigMap ${from.configMapRef.name} is not in the rendered objects`);
      for (const k of Object.keys((cm.data as Record<string, string> | undefined) ?? {})) names.add(k);
    }
    if (from.secretRef)
      throw new Error(`envFrom secretRef ${from.secretRef.name}: list secret variables by name`);
  }
  return [...names].sort();
}

/** The value a container sees for a variable set in env or a loaded ConfigMap. */
export function envValue(
  container: ContainerView,
  objects: readonly K8sObject[],
  name: string,
): string | undefined {
  const direct = container.env?.find((e) => e.name === name);
  if (direct) return direct.value;
  for (const from of container.envFrom ?? []) {
    if (!from.configMapRef) continue;
    const cm = find(objects, 'ConfigMap', from.configMapRef.name);
    const value = (cm?.data as Record<string, string> | undefined)?.[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The apps of the repository: every apps/<name> with a src/main.ts. */
/**
 * The deployable apps of the repository: those with a service definition (src/service.ts, what the
 * bootstrap runs). Command-line tools under apps/ (mpctl) have a main.ts but no service and no image.
 */
export function appsOnDisk(root: string): Array<{ name: string; migrates: boolean }> {
  const dir = join(root, 'apps');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'src', 'service.ts')))
    .map((e) => ({ name: e.name, migrates: existsSync(join(dir, e.name, 'src', 'migrate.ts')) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Parses a Kubernetes quantity (cpu or memory) into base units. */
export function quantity(q: string): number {
  const m = /^([0-9.]+)(m|Ki|Mi|Gi|Ti|k|M|G)?$/.exec(q);
  if (!m) throw new Error(`unparsable quantity ${q}`);
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  const factor: Record<string, number> = {
    '': 1,
    m: 0.001,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
  };
  return n * factor[unit]!;
}
