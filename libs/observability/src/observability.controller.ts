import { Controller, Get, Header, HttpStatus, Res } from '@nestjs/common';
import { Public } from '@auraison/auth';
import type { FastifyReply } from 'fastify';
import { HealthService, type ReadinessReport } from './health.js';
import { MetricsService } from './metrics.js';

/** `/healthz` (the process answers), `/readyz` (every dependency is usable) and `/metrics`. */
@Controller()
@Public(
  'liveness, readiness and metrics are read by the orchestrator and Prometheus (NetworkPolicy restricts who reaches them)',
)
export class ObservabilityController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('healthz')
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readiness(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    void reply.status(report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async prometheus(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('Content-Type', this.metrics.contentType);
    return this.metrics.render();
  }
}
