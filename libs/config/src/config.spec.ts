import { describe, expect, it } from '@jest/globals';
import { baseServiceEnv, ConfigError, loadConfig, port, z } from './config.js';

const schema = baseServiceEnv({ httpPort: 3004 });

describe('loadConfig', () => {
  it('should fail naming DATABASE_URL when it is missing', () => {
    expect(() => loadConfig('billing', schema, {})).toThrow(ConfigError);
    expect(() => loadConfig('billing', schema, {})).toThrow(/DATABASE_URL is required \(PostgreSQL URL/);
  });

  it('should treat an empty variable as missing', () => {
    expect(() => loadConfig('billing', schema, { DATABASE_URL: '' })).toThrow(/DATABASE_URL is required/);
  });

  it('should list every problem at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig('billing', schema, {
        DATABASE_URL: 'mysql://x',
        NATS_URL: 'http://nats',
        HTTP_PORT: '99999',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems).toHaveLength(4);
    expect(error?.message).toMatch(/^Invalid configuration for billing:/);
    expect(error?.message).toContain('DATABASE_URL: must be a PostgreSQL URL');
    expect(error?.message).toContain('NATS_URL: must be a NATS URL');
    expect(error?.message).toContain('HTTP_PORT:');
    expect(error?.message).toContain('LOG_LEVEL:');
  });

  it('should apply defaults and coerce numbers when the environment is valid', () => {
    const config = loadConfig('billing', schema, { DATABASE_URL: 'postgres://u@localhost:5432/db' });
    expect(config).toEqual({
      DATABASE_URL: 'postgres://u@localhost:5432/db',
      NATS_URL: 'nats://127.0.0.1:4222',
      MP_NATS_NAMESPACE: '',
      MP_STREAM_REPLICAS: 1,
      HTTP_HOST: '0.0.0.0',
      HTTP_PORT: 3004,
      HTTP_TRUST_PROXY: false,
      LOG_LEVEL: 'info',
      MP_AUTH_ISSUER: 'auraison-tenant-registry',
      MP_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
    });
    const extended = schema.extend({ GRPC_PORT: port(50051) });
    expect(
      loadConfig('policy-engine', extended, { DATABASE_URL: 'postgresql://h/db', GRPC_PORT: '6000' })
        .GRPC_PORT,
    ).toBe(6000);
  });

  it('should accept a list of NATS servers', () => {
    const config = loadConfig('x', schema, {
      DATABASE_URL: 'postgres://h/db',
      NATS_URL: 'nats://a:4222,nats://b:4222',
    });
    expect(config.NATS_URL).toBe('nats://a:4222,nats://b:4222');
  });

  it('should reject a namespace that is not a plain lowercase word', () => {
    expect(() =>
      loadConfig('x', schema, { DATABASE_URL: 'postgres://h/db', MP_NATS_NAMESPACE: 'Bad.NS' }),
    ).toThrow(/MP_NATS_NAMESPACE/);
  });

  it('should ignore variables the schema does not name', () => {
    const small = z.object({ A: z.string() });
    expect(loadConfig('x', small, { A: '1', B: '2' })).toEqual({ A: '1' });
  });
});
