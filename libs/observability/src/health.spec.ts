import { describe, expect, it } from '@jest/globals';
import { HealthService } from './health.js';

describe('HealthService', () => {
  it('should be ready when every check passes', async () => {
    const health = new HealthService();
    health.addReadinessCheck('database', () => ({ ok: true }));
    health.addReadinessCheck('nats', async () => Promise.resolve({ ok: true, detail: 'connected' }));
    expect(await health.readiness()).toEqual({
      ready: true,
      checks: { database: { ok: true }, nats: { ok: true, detail: 'connected' } },
    });
  });

  it('should not be ready and say why when a check fails or throws', async () => {
    const health = new HealthService();
    health.addReadinessCheck('database', () => {
      throw new Error('connection refused');
    });
    health.addReadinessCheck('nats', () => ({ ok: true }));
    const report = await health.readiness();
    expect(report.ready).toBe(false);
    expect(report.checks.database).toEqual({ ok: false, detail: 'connection refused' });
  });

  it('should not be ready while shutting down', async () => {
    const health = new HealthService();
    health.markShuttingDown();
    expect((await health.readiness()).ready).toBe(false);
  });
});
