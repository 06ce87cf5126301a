import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import { listHandlers, undeclaredHandlers } from '@auraison/auth';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expectPrometheusText, natsUrl } from '@auraison/testing';
import { observabilityStoreService } from '../src/service.js';

describe('observability-store (real PostgreSQL and NATS)', () => {
  let service: BootedService;

  beforeAll(async () => {
    service = await bootTestService(observabilityStoreService);
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
        'MP_AGENT_EVENTS',
        'MP_AUDIT',
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
    expect(res.text).toContain('service="observability-store"');
  });

  it('should document every endpoint in its OpenAPI document', async () => {
    const res = await service.http.get('/api/docs/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys((res.body as { paths: object }).paths).sort()).toEqual([
      '/api/v1/audit/head',
      '/api/v1/audit/verify',
      '/api/v1/decisions/search',
      '/api/v1/evaluations',
      '/api/v1/events',
      '/api/v1/jobs/{job_id}/trace',
      '/api/v1/safety/actuations',
      '/api/v1/sessions/{session_id}/replay',
      '/api/v1/tool-calls',
      '/healthz',
      '/metrics',
      '/readyz',
    ]);
  });

  it('should fail start-up naming DATABASE_URL when it is missing', async () => {
    await expect(bootTestService(observabilityStoreService, { env: { DATABASE_URL: '' } })).rejects.toThrow(
      /DATABASE_URL is required/,
    );
  });
});
