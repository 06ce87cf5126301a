// Validation of rendered objects against the Kubernetes API schema of their kind: kubernetes-models for
// the built-in kinds, @kubernetes-models/keda for KEDA's. An unknown kind is an error, so nothing goes
// unchecked. (The models check types, required fields and enums; they do not reject unknown fields:
// the manifests are built with their TypeScript interfaces for that.)
import type { K8sObject } from './kustomize.js';

interface Validatable {
  validate(): void;
}

type ModelClass = new (data: unknown) => Validatable;

/** The module path of a kind's model: `apps/v1` + Deployment -> kubernetes-models/apps/v1/Deployment. */
export function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'keda.sh') return `@kubernetes-models/keda/keda.sh/${version}/${kind}`;
  return group === ''
    ? `kubernetes-models/${version}/${kind}`
    : `kubernetes-models/${group}/${version}/${kind}`;
}

async function modelOf(apiVersion: string, kind: string): Promise<ModelClass> {
  const path = modelModule(apiVersion, kind);
  let module: Record<string, unknown>;
  try {
    module = (await import(path)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`no schema for ${apiVersion} ${kind} (${path}): ${(e as Error).message}`, { cause: e });
  }
  const model = module[kind];
  if (typeof model !== 'function') throw new Error(`${path} exports no ${kind} model`);
  return model as ModelClass;
}

/**
 * kustomize wraps the base64 of long Secret values over several lines; the API server's decoder skips
 * line breaks (Go's base64 ignores \r and \n), the schema's "byte" format does not.
 */
function asTheApiServerReadsIt(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret' || typeof object.data !== 'object' || object.data === null) return object;
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, string>).map(([k, v]) => [k, v.replace(/[\r\n]/g, '')]),
  );
  return { ...object, data };
}

/** Validates an object; resolves to an error message, or undefined when it is valid. */
export async function validationError(object: K8sObject): Promise<string | undefined> {
  const Model = await modelOf(object.apiVersion, object.kind);
  try {
    new Model(asTheApiServerReadsIt(object)).validate();
    return undefined;
  } catch (e) {
    return `${object.kind}/${object.metadata.name}: ${(e as Error).message}`;
  }
}
