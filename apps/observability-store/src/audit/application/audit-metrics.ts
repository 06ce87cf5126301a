import { Injectable } from '@nestjs/common';
import { MetricsService } from '@auraison/observability';
import { Counter, Histogram } from 'prom-client';

@Injectable()
export class AuditMetrics {
  readonly verifications: Counter<'result'>;
  readonly verifiedRows: Counter;
  readonly verifyDuration: Histogram;
  readonly checkpoints: Counter<'result'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.verifications = new Counter({
      name: 'observability_chain_verifications_total',
      help: 'Hash chain verifications, by result (intact or broken)',
      labelNames: ['result'],
      registers,
    });
    this.verifiedRows = new Counter({
      name: 'observability_chain_verified_rows_total',
      help: 'History rows whose hash and link were re-checked by verifications',
      registers,
    });
    this.verifyDuration = new Histogram({
      name: 'observability_chain_verification_seconds',
      help: 'Duration of one chain verification',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.checkpoints = new Counter({
      name: 'observability_audit_checkpoints_total',
      help: 'Chain heads published on mp.audit.checkpoints, by result (published or failed)',
      labelNames: ['result'],
      registers,
    });
  }
}
