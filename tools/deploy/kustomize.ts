// `kubectl kustomize <dir>` from the tests, with a clear failure when kubectl is missing or bundles a
// kustomize too old for these overlays (Debian's kubernetes-client 1.20 ships kustomize v2).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A rendered Kubernetes object. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [key: string]: unknown;
}

export interface KustomizeTool {
  kubectl: string;
  kustomizeVersion: string;
}

const MIN_KUSTOMIZE_MAJOR = 4;

let tool: KustomizeTool | undefined;

/** The kubectl to use (KUBECTL overrides); throws, saying why, when it cannot build these overlays. */
export function kustomizeTool(): KustomizeTool {
  if (tool) return tool;
  const kubectl = process.env.KUBECTL ?? 'kubectl';
  const version = spawnSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (version.error || version.status !== 0)
    throw new Error(
      `cannot build the kustomize overlays: ${kubectl} is not usable (${version.error?.message ?? version.stderr.trim()}). ` +
        'Install kubectl with kustomize v5 (Debian: apt-get install kubectl; .ci/run does it).',
    );
  const info = JSON.parse(version.stdout) as { kustomizeVersion?: string };
  const kustomizeVersion = info.kustomizeVersion ?? 'none';
  const major = Number(/^v?(\d+)/.exec(kustomizeVersion)?.[1] ?? 0);
  if (major < MIN_KUSTOMIZE_MAJOR)
    throw new Error(
      `cannot build the kustomize overlays: ${kubectl} bundles kustomize ${kustomizeVersion}, which does not ` +
        `understand these kustomizations (labels, patches, components). Install a kubectl with kustomize v5 ` +
        `(Debian 12's kubectl 1.32 has v5.5; Debian's kubernetes-client 1.20 has v2 and cannot).`,
    );
  tool = { kubectl, kustomizeVersion };
  return tool;
}

/** Renders a kustomization directory (relative to root) into its objects. */
export function kustomizeBuild(root: string, dir: string): K8sObject[] {
  const { kubectl } = kustomizeTool();
  const result = spawnSync(kubectl, ['kustomize', join(root, dir)], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

export const objectId = (o: K8sObject): string =>
  `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
