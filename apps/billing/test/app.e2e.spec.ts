import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import { expectPrometheusText } from '@auraison/testing';
import { billingService } from '../src/service.js';

describe('billing (real PostgreSQL and NATS)', () => {
  let service: BootedService;

  beforeAll(async () => {
    service = await bootTestService(billingService);
  });

  afterAll(async () => {
    await service?.close();
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
  });

  it('should serve /metrics in Prometheus text format', async () => {
    const res = await service.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const families = expectPrometheusText(res.text);
    expect(families).toContain('process_cpu_seconds_total');
    expect(res.text).toContain('service="billing"');
  });

  it('should fail start-up naming DATABASE_URL when it is missing', async () => {
    await expect(bootTestService(billingService, { env: { DATABASE_URL: '' } })).rejects.toThrow(
      /DATABASE_URL is required/,
    );
  });
});
