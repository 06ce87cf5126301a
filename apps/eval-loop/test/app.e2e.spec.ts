import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import { listHandlers, undeclaredHandlers } from '@auraison/auth';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expectPrometheusText, natsUrl } from '@auraison/testing';
import { evalLoopService } from '../src/service.js';

describe('eval-loop (real PostgreSQL and NATS)', () => {
  let service: BootedService;

  beforeAll(async () => {
    service = await bootTestService(evalLoopService);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('should declare a permission or a public reason on every route', () => {
    expect(listHandlers(service.app).length).toBeGreaterThan(0);
    expect(undeclaredHandlers(service.app)).toEqual([]);
  });

  it('should answer /healthz', async () => {
    const res = await service.http.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('should turn /readyz ready with every check passing', async () => {
    const report = await service.waitReady();
    expect(report.ready).toBe(true);
    expect(report.checks.database).toEqual({ ok: true });
    expect(report.checks.nats?.ok).toBe(true);
  });

  it('should provision its JetStream streams in its namespace', async () => {
    const nc = await connect({ servers: natsUrl() });
    try {
      const prefix = `${service.namespace.toUpperCase()}_`;
      const names: string[] = [];
      for await (const n of (await jetstreamManager(nc)).streams.names())
        if (n.startsWith(prefix)) names.push(n.slice(prefix.length));
      expect(names.sort()).toEqual([
        'MP_ALERTS',
        'MP_DLQ',
        'MP_EVAL',
        'MP_EXECUTION_EVENTS',
        'MP_TENANT_EVENTS',
      ]);
    } finally {
      await nc.close();
    }
  });

  it('should serve /metrics in Prometheus text format', async () => {
    const res = await service.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const families = expectPrometheusText(res.text);
    expect(families).toContain('process_cpu_seconds_total');
    expect(res.text).toContain('service="eval-loop"');
  });

  it('should serve its OpenAPI document with every eval route', async () => {
    const res = await service.http.get('/api/docs/openapi.json');
    expect(res.status).toBe(200);
    expect(
      Object.keys(res.body.paths as object)
        .filter((p) => p.startsWith('/api/'))
        .sort(),
    ).toEqual([
      '/api/v1/eval/alert-rules',
      '/api/v1/eval/alert-rules/{rule_id}',
      '/api/v1/eval/alerts',
      '/api/v1/eval/runs',
      '/api/v1/eval/runs/{run_id}',
      '/api/v1/eval/signals',
      '/api/v1/eval/summaries',
      '/api/v1/eval/summaries/{run_id}',
    ]);
    expect(res.body.components.schemas.CreateAlertRuleDto.properties.webhook_secret.writeOnly).toBe(true);
  });

  it('should fail start-up naming DATABASE_URL when it is missing', async () => {
    await expect(bootTestService(evalLoopService, { env: { DATABASE_URL: '' } })).rejects.toThrow(
      /DATABASE_URL is required/,
    );
  });
});
