// Typed environment configuration, read once at start-up and validated as a whole: a bad deployment
// fails immediately with every missing or malformed variable listed and a hint for each, instead of
// failing later on first use.
import { z } from 'zod';

export { z };

/** Thrown when the environment does not satisfy a service's schema. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration for ${service}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/**
 * Validates `env` against `schema` (whose keys are variable names) and returns the typed result.
 * Every problem is reported at once, named by variable.
 */
export function loadConfig<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: Env = process.env,
): z.infer<S> {
  // Empty strings count as unset, like most deployment tools expect.
  const input: Env = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const field = schema.shape[issue.path[0] as string] as z.ZodType | undefined;
    const hint = field?.description ? ` (${field.description})` : '';
    const missing = issue.code === 'invalid_type' && input[name] === undefined;
    return missing ? `${name} is required${hint}` : `${name}: ${issue.message}${hint}`;
  });
  throw new ConfigError(service, problems);
}

// Reusable variable schemas.

export const postgresUrl = () =>
  z
    .string()
    .refine((v) => /^postgres(ql)?:\/\/.+/.test(v) && URL.canParse(v), {
      message: 'must be a PostgreSQL URL',
    })
    .describe('PostgreSQL URL, e.g. postgres://user:password@127.0.0.1:5432/auraison');

export const natsUrl = () =>
  z
    .string()
    .refine(
      (v) =>
        v.split(',').every((part) => {
          const p = part.trim();
          return /^(nats|tls|ws|wss):\/\//.test(p) ? URL.canParse(p) : /^[\w.-]+(:\d+)?$/.test(p);
        }),
      { message: 'must be a NATS URL or a comma-separated list of them' },
    )
    .describe('NATS server URL(s), e.g. nats://127.0.0.1:4222');

export const port = (defaultPort: number) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(defaultPort)
    .describe(`TCP port (default ${defaultPort}; 0 = any free port)`);

export const logLevel = () =>
  z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
    .default('info')
    .describe('one of trace, debug, info, warn, error, fatal, silent');

/** Namespace prefix for NATS subjects and streams (tests, parallel local runs); empty in production. */
export const natsNamespace = () =>
  z
    .string()
    .regex(
      /^[a-z][a-z0-9]{0,15}$/,
      'must be lowercase letters and digits, starting with a letter, at most 16',
    )
    .default('')
    .describe('optional NATS namespace prefix');

/** The variables every service reads. */
export function baseServiceEnv(defaults: { httpPort: number }) {
  return z.object({
    DATABASE_URL: postgresUrl(),
    NATS_URL: natsUrl().default('nats://127.0.0.1:4222'),
    MP_NATS_NAMESPACE: natsNamespace(),
    MP_STREAM_REPLICAS: z.coerce
      .number()
      .int()
      .min(1)
      .max(5)
      .default(1)
      .describe('replicas of the JetStream streams the service provisions (3 on a NATS cluster)'),
    HTTP_HOST: z.string().default('0.0.0.0').describe('interface to listen on'),
    HTTP_PORT: port(defaults.httpPort),
    HTTP_TRUST_PROXY: z
      .stringbool()
      .default(false)
      .describe('trust X-Forwarded-For (true only behind an ingress or proxy that sets it)'),
    LOG_LEVEL: logLevel(),
    MP_AUTH_ISSUER: z
      .string()
      .min(1)
      .default('auraison-tenant-registry')
      .describe('the `iss` of access tokens: the tenant registry signs with it, every service expects it'),
    MP_JWKS_URL: z
      .url({ protocol: /^https?$/ })
      .default('http://127.0.0.1:3001/.well-known/jwks.json')
      .describe("the tenant registry's JWKS, e.g. http://tenant-registry:3001/.well-known/jwks.json"),
  });
}

export type BaseServiceConfig = z.infer<ReturnType<typeof baseServiceEnv>>;
