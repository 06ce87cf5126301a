// Where mpctl finds the plane and its credential: flags > environment > the saved profile (`mpctl login`)
// > local defaults (the ports `npm start` uses). The profile is a JSON file readable by its owner only.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './errors.js';

export interface Endpoints {
  registry: string;
  policy: string;
  policyGrpc: string;
  observability: string;
  billing: string;
  eval: string;
  nats: string;
  natsNamespace: string;
}

export interface Profile {
  api_key?: string;
  endpoints?: Partial<Endpoints>;
}

export const DEFAULT_ENDPOINTS: Endpoints = {
  registry: 'http://127.0.0.1:3001',
  policy: 'http://127.0.0.1:3002',
  policyGrpc: '127.0.0.1:50051',
  observability: 'http://127.0.0.1:3003',
  billing: 'http://127.0.0.1:3004',
  eval: 'http://127.0.0.1:3005',
  nats: 'nats://127.0.0.1:4222',
  natsNamespace: '',
};

/** Environment variable of each endpoint. */
export const ENDPOINT_ENV: Record<keyof Endpoints, string> = {
  registry: 'MP_TENANT_REGISTRY_URL',
  policy: 'MP_POLICY_URL',
  policyGrpc: 'MP_POLICY_GRPC_ADDRESS',
  observability: 'MP_OBSERVABILITY_URL',
  billing: 'MP_BILLING_URL',
  eval: 'MP_EVAL_URL',
  nats: 'NATS_URL',
  natsNamespace: 'MP_NATS_NAMESPACE',
};

export function profilePath(env: NodeJS.ProcessEnv): string {
  if (env.MPCTL_CONFIG) return env.MPCTL_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'mpctl', 'config.json');
}

export function readProfile(path: string): Profile {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Profile;
  } catch (e) {
    throw new CliError(
      `cannot read the mpctl profile ${path}: ${(e as Error).message}`,
      'fix or delete the file, then run `mpctl login --api-key <key>` again',
    );
  }
}

export function writeProfile(path: string, profile: Profile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function deleteProfile(path: string): boolean {
  if (!existsSync(path)) return false;
  rmSync(path);
  return true;
}

/** Endpoints in force: the profile's, overridden by the environment. */
export function resolveEndpoints(profile: Profile, env: NodeJS.ProcessEnv): Endpoints {
  const out = { ...DEFAULT_ENDPOINTS, ...(profile.endpoints ?? {}) };
  for (const key of Object.keys(ENDPOINT_ENV) as Array<keyof Endpoints>) {
    const v = env[ENDPOINT_ENV[key]];
    if (v !== undefined && (v !== '' || key === 'natsNamespace')) out[key] = v;
  }
  return out;
}
