// The environment variables an app reads, taken from its zod schema at run time (apps/<app>/src/config.ts
// exports one z.object whose keys are the variable names), so the manifests follow the apps as they
// grow (a JWKS URL, GRPC_PORT ...) without a hand-kept list.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface AppEnvVariable {
  name: string;
  /** No default: the app refuses to start without it. */
  required: boolean;
  /** The value the app uses when the variable is unset (undefined when required). */
  defaultValue?: unknown;
}

interface SchemaField {
  safeParse(value: unknown): { success: boolean; data?: unknown };
}

interface ObjectSchema {
  shape: Record<string, SchemaField>;
  safeParse(value: unknown): unknown;
}

function isObjectSchema(value: unknown): value is ObjectSchema {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ObjectSchema>;
  return typeof v.safeParse === 'function' && typeof v.shape === 'object' && v.shape !== null;
}

/** The path of an app's config module. */
export function appConfigPath(root: string, app: string): string {
  return join(root, 'apps', app, 'src', 'config.ts');
}

/** Reads the variables of the one environment schema an app's config.ts exports. */
export async function readAppEnv(root: string, app: string): Promise<AppEnvVariable[]> {
  const path = appConfigPath(root, app);
  if (!existsSync(path)) throw new Error(`${path} not found: every app keeps its environment schema there`);
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const schemas = Object.entries(module).filter(([, v]) => isObjectSchema(v));
  if (schemas.length !== 1)
    throw new Error(
      `${path} should export exactly one z.object environment schema, found ${schemas.length}` +
        (schemas.length > 0 ? ` (${schemas.map(([k]) => k).join(', ')})` : ''),
    );
  const schema = schemas[0]![1] as ObjectSchema;
  return Object.entries(schema.shape).map(([name, field]) => {
    const unset = field.safeParse(undefined);
    return unset.success ? { name, required: false, defaultValue: unset.data } : { name, required: true };
  });
}
