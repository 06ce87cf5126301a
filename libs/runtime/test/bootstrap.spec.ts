import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Body, Controller, Module, Post, type DynamicModule } from '@nestjs/common';
import { baseServiceEnv, ConfigError, loadConfig, type BaseServiceConfig } from '@auraison/config';
import { createLogger, ObservabilityModule } from '@auraison/observability';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import supertest from 'supertest';
import { createServiceApp, DEFAULT_BODY_LIMIT, type ServiceDefinition } from '../src/index.js';

@Controller('echo')
class EchoController {
  @Post()
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

@Module({})
class TinyModule {
  static forRoot(): DynamicModule {
    return {
      module: TinyModule,
      imports: [
        ObservabilityModule.forRoot({
          service: 'tiny',
          logger: createLogger({ service: 'tiny', level: 'silent' }),
        }),
      ],
      controllers: [EchoController],
    };
  }
}

const tiny: ServiceDefinition<BaseServiceConfig> = {
  name: 'tiny',
  loadConfig: (env) => loadConfig('tiny', baseServiceEnv({ httpPort: 3999 }), env),
  database: (config) => ({ service: 'tiny', url: config.DATABASE_URL, schema: 'tiny', migrations: [] }),
  rootModule: () => TinyModule.forRoot(),
};

describe('createServiceApp', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    ({ app } = await createServiceApp(tiny, {
      DATABASE_URL: 'postgres://unused@127.0.0.1/x',
      LOG_LEVEL: 'silent',
    }));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('should serve JSON bodies on the Fastify adapter', async () => {
    const res = await supertest(app.getHttpServer()).post('/echo').send({ a: 1 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ a: 1 });
  });

  it('should refuse a body over the limit with 413', async () => {
    const big = { blob: 'x'.repeat(DEFAULT_BODY_LIMIT + 10) };
    const res = await supertest(app.getHttpServer()).post('/echo').send(big);
    expect(res.status).toBe(413);
  });

  it('should connect the transports of the microservices hook and report where they listen', async () => {
    const seen: string[] = [];
    const withHook: ServiceDefinition<BaseServiceConfig> = {
      ...tiny,
      microservices: (hooked, config) => {
        seen.push(`${typeof hooked.connectMicroservice}:${config.HTTP_HOST}`);
        return [{ transport: 'test', address: '127.0.0.1:1' }];
      },
    };
    const created = await createServiceApp(withHook, {
      DATABASE_URL: 'postgres://unused@127.0.0.1/x',
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
    });
    try {
      expect(seen).toEqual(['function:127.0.0.1']);
      expect(created.endpoints).toEqual([{ transport: 'test', address: '127.0.0.1:1' }]);
    } finally {
      await created.app.close();
    }
  });

  it('should fail before creating anything when the environment is invalid', async () => {
    await expect(createServiceApp(tiny, { NATS_URL: 'http://x' })).rejects.toBeInstanceOf(ConfigError);
    await expect(createServiceApp(tiny, { NATS_URL: 'http://x' })).rejects.toThrow(
      /DATABASE_URL is required[\s\S]*NATS_URL/,
    );
  });
});
