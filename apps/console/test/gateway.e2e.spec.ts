// The console's server in-process (as production boots it) with stand-in services: token checks,
// forwarding, failure answers, the web app and deep links.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listHandlers } from '@auraison/auth';
import { createServiceApp, type ServiceApp } from '@auraison/runtime';
import { startTestIssuer, type TestIssuer } from '@auraison/testing';
import supertest from 'supertest';
import type { ConsoleConfig } from '../src/config.js';
import { consoleService } from '../src/service.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('console server', () => {
  let issuer: TestIssuer;
  let upstream: Server;
  let slow: Server;
  let booted: ServiceApp<ConsoleConfig>;
  let http: ReturnType<typeof supertest>;
  const seen: Seen[] = [];
  const TENANT = '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab';

  beforeAll(async () => {
    issuer = await startTestIssuer();
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (req.url?.startsWith('/api/v1/billing/statements'))
          res
            .writeHead(200, {
              'content-type': 'text/csv',
              'content-disposition': 'attachment; filename="s.csv"',
              'set-cookie': 'no=1',
            })
            .end('item,amount\n');
        else if (req.url?.startsWith('/api/v1/forbidden'))
          res.writeHead(403, { 'content-type': 'application/json' }).end('{"statusCode":403,"message":"no"}');
        else
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ ok: true, url: req.url }));
      });
    });
    slow = createServer(() => undefined);
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const up = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const web = mkdtempSync(join(tmpdir(), 'console-web-'));
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(web, 'assets', 'app-1.js'), 'console.log(1)');
    booted = await createServiceApp(consoleService, {
      ...issuer.env,
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
      MP_CONSOLE_WEB_DIR: web,
      MP_TENANT_REGISTRY_URL: up,
      MP_POLICY_ENGINE_URL: up,
      MP_OBSERVABILITY_URL: 'http://127.0.0.1:9',
      MP_BILLING_URL: up,
      MP_EVAL_LOOP_URL: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
      MP_GATEWAY_TIMEOUT_MS: '500',
    });
    await booted.app.init();
    await booted.app.getHttpAdapter().getInstance().ready();
    http = supertest(booted.app.getHttpServer());
  });

  afterAll(async () => {
    await booted?.app.close();
    upstream?.close();
    slow?.closeAllConnections();
    slow?.close();
    await issuer?.close();
  });

  const token = async (roles: ('viewer' | 'tenant_admin')[] = ['viewer']) =>
    issuer.token({ tenantId: TENANT, roles });

  it('should declare a permission or a public reason on every route', () => {
    const handlers = listHandlers(booted.app).filter((h) => h.kind === 'http');
    expect(handlers.filter((h) => !h.permission && !h.publicReason)).toEqual([]);
    expect(
      handlers
        .filter((h) => h.publicReason)
        .map((h) => h.handler)
        .sort(),
    ).toEqual(
      [
        'GatewayController.signIn',
        'ObservabilityController.liveness',
        'ObservabilityController.prometheus',
        'ObservabilityController.readiness',
        'WebAppController.page',
      ].sort(),
    );
  });

  it('should answer 401 without a token and forward nothing', async () => {
    const before = seen.length;
    const res = await http.get('/api/billing/api/v1/billing/usage');
    expect(res.status).toBe(401);
    expect(seen.length).toBe(before);
  });

  it('should forward sign-in without a token, body and all', async () => {
    const res = await http.post('/api/tenant-registry/api/v1/auth/token').send({ api_key: 'mpk_x' });
    expect(res.status).toBe(200);
    const last = seen.at(-1)!;
    expect([last.method, last.url, JSON.parse(last.body)]).toEqual([
      'POST',
      '/api/v1/auth/token',
      { api_key: 'mpk_x' },
    ]);
  });

  it('should forward a signed-in request with its token and query, and return the answer', async () => {
    const t = await token();
    const res = await http
      .get('/api/billing/api/v1/billing/usage?period=2026-12')
      .set('authorization', `Bearer ${t}`)
      .set('cookie', 'c=1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, url: '/api/v1/billing/usage?period=2026-12' });
    const last = seen.at(-1)!;
    expect(last.headers.authorization).toBe(`Bearer ${t}`);
    expect(last.headers.cookie).toBeUndefined();
  });

  it('should pass a CSV download through with its file name, and the service refusals unchanged', async () => {
    const t = await token();
    const csv = await http
      .get('/api/billing/api/v1/billing/statements?period=2026-11&format=csv')
      .set('authorization', `Bearer ${t}`);
    expect([csv.status, csv.headers['content-disposition'], csv.headers['set-cookie'], csv.text]).toEqual([
      200,
      'attachment; filename="s.csv"',
      undefined,
      'item,amount\n',
    ]);
    const forbidden = await http
      .put('/api/policy-engine/api/v1/forbidden')
      .set('authorization', `Bearer ${t}`)
      .send({ a: 1 });
    expect([forbidden.status, forbidden.body.message]).toEqual([403, 'no']);
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ a: 1 });
  });

  it('should name the service that is down (502) or too slow (504), and refuse unknown services (404)', async () => {
    const t = await token();
    const down = await http.get('/api/observability-store/api/v1/events').set('authorization', `Bearer ${t}`);
    expect([down.status, down.body.message]).toEqual([
      502,
      expect.stringContaining('observability-store is unreachable'),
    ]);
    const slowRes = await http.get('/api/eval-loop/api/v1/eval/alerts').set('authorization', `Bearer ${t}`);
    expect([slowRes.status, slowRes.body.message]).toEqual([504, 'eval-loop did not answer within 500 ms']);
    const unknown = await http.get('/api/payroll/api/v1/x').set('authorization', `Bearer ${t}`);
    expect(unknown.status).toBe(404);
    const metrics = await http.get('/api/billing/metrics').set('authorization', `Bearer ${t}`);
    expect(metrics.status).toBe(404);
  });

  it('should serve the app for deep links, assets with long caching, and 404 for missing assets and API paths', async () => {
    const deep = await http.get('/jobs/job-1/trace?tenant=x');
    expect([deep.status, deep.headers['content-type'], deep.text]).toEqual([
      200,
      'text/html; charset=utf-8',
      '<!doctype html><div id="root"></div>',
    ]);
    expect(deep.headers['content-security-policy']).toContain("default-src 'self'");
    const asset = await http.get('/assets/app-1.js');
    expect([asset.status, asset.headers['cache-control']]).toEqual([
      200,
      'public, max-age=31536000, immutable',
    ]);
    expect((await http.get('/assets/app-0.js')).status).toBe(404);
    expect((await http.get('/api/nothing')).status).toBe(404);
    expect((await http.get('/../../etc/passwd')).text).not.toContain('root:');
  });

  it('should be ready with the bundle and count forwarded requests in its metrics', async () => {
    const ready = await http.get('/readyz');
    expect([ready.status, ready.body.checks.web.ok]).toEqual([200, true]);
    const metrics = await http.get('/metrics');
    expect(metrics.text).toMatch(
      /mp_console_gateway_requests_total\{service="billing",outcome="2xx",service="console"\}|mp_console_gateway_requests_total\{[^}]*service="billing"/,
    );
    expect(metrics.text).toMatch(/outcome="unreachable"/);
  });
});
