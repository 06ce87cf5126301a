import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { Controller, Get, Module, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { SignJWT } from 'jose';
import supertest from 'supertest';
import {
  AuthGuard,
  AuthModule,
  CurrentPrincipal,
  KEY_SOURCE,
  listHandlers,
  Public,
  RequirePermission,
  TokenVerifier,
  undeclaredHandlers,
  type KeySource,
  type Principal,
} from '../src/index.js';

const ISSUER = 'guard-test';
const TENANT = '11111111-1111-4111-8111-111111111111';
const key = { kid: randomUUID(), ...generateKeyPairSync('ed25519') };

async function token(roles: string[]): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tenant_id: TENANT, roles, typ: 'user' })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setSubject('33333333-3333-4333-8333-333333333333')
    .setIssuer(ISSUER)
    .setAudience('auraison-mp')
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

class StaticKeys implements KeySource {
  async getKey(kid: string) {
    return Promise.resolve(kid === key.kid ? key.publicKey : undefined);
  }
}

@Controller('things')
class ThingsController {
  @Get()
  @RequirePermission('tenants:read')
  list(@CurrentPrincipal() principal: Principal): { tenant: string } {
    return { tenant: principal.tenantId };
  }

  @Get('admin')
  @RequirePermission('tenants:create')
  admin(): string {
    return 'ok';
  }

  @Get('open')
  @Public('a test route anyone may call')
  open(): string {
    return 'open';
  }

  @Get('forgotten')
  forgotten(): string {
    return 'should never be served';
  }
}

@Module({
  imports: [AuthModule.forRoot({ issuer: ISSUER, keys: { jwksUrl: 'http://127.0.0.1:9/unused' } })],
  controllers: [ThingsController],
})
class TestModule {}

describe('AuthGuard over HTTP', () => {
  let app: NestFastifyApplication;
  const get = (path: string, bearer?: string) => {
    const req = supertest(app.getHttpServer()).get(path);
    return bearer ? req.set('Authorization', `Bearer ${bearer}`) : req;
  };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] })
      .overrideProvider(KEY_SOURCE)
      .useValue(new StaticKeys())
      .compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('should pass a token whose role grants the permission, with the principal', async () => {
    const res = await get('/things', await token(['viewer']));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tenant: TENANT });
  });

  it('should answer 401 with no token and 403 without the permission', async () => {
    expect((await get('/things')).status).toBe(401);
    const res = await get('/things/admin', await token(['tenant_admin']));
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/tenants:create/);
  });

  it('should serve public routes without a token', async () => {
    expect((await get('/things/open')).status).toBe(200);
  });

  it('should fail closed on a route that declares nothing, and the inventory should name it', async () => {
    const res = await get('/things/forgotten', await token(['platform_admin']));
    expect(res.status).toBe(500);
    expect(undeclaredHandlers(app).map((h) => h.handler)).toEqual(['ThingsController.forgotten']);
    expect(listHandlers(app).find((h) => h.handler === 'ThingsController.admin')).toMatchObject({
      kind: 'http',
      route: 'GET /things/admin',
      permission: 'tenants:create',
    });
  });
});

describe('AuthGuard over gRPC', () => {
  const verifier = new TokenVerifier(new StaticKeys(), { issuer: ISSUER });
  const guard = new AuthGuard(new Reflector(), verifier);
  class Rpc {
    @RequirePermission('quota:admit')
    admit(): void {}
  }

  function rpcContext(metadata: Metadata): ExecutionContext {
    return {
      getType: () => 'rpc',
      getHandler: (): unknown => Reflect.get(Rpc.prototype, 'admit'),
      getClass: () => Rpc,
      switchToRpc: () => ({ getContext: () => metadata, getData: () => ({}) }),
      switchToHttp: () => {
        throw new Error('not http');
      },
    } as unknown as ExecutionContext;
  }

  async function codeOf(metadata: Metadata): Promise<number | 'ok'> {
    try {
      await guard.canActivate(rpcContext(metadata));
      return 'ok';
    } catch (e) {
      expect(e).toBeInstanceOf(RpcException);
      return ((e as RpcException).getError() as { code: number }).code;
    }
  }

  it('should read the bearer token from metadata and map failures to gRPC codes', async () => {
    const ok = new Metadata();
    ok.set('authorization', `Bearer ${await token(['service'])}`);
    expect(await codeOf(ok)).toBe('ok');
    expect(await codeOf(new Metadata())).toBe(GrpcStatus.UNAUTHENTICATED);
    const viewer = new Metadata();
    viewer.set('authorization', `Bearer ${await token(['viewer'])}`);
    expect(await codeOf(viewer)).toBe(GrpcStatus.PERMISSION_DENIED);
  });
});
