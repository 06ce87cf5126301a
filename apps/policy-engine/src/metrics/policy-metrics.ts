// The policy engine's domain metrics (DESIGN §8): decisions by outcome and reason, decision latency
// per operation and door, reservations outstanding, cache invalidations.
import { Injectable } from '@nestjs/common';
import { MetricsService } from '@auraison/observability';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';

export type Door = 'grpc' | 'http' | 'nats';
export type Operation = 'get_tool_scope' | 'get_quota' | 'admit_job' | 'release_job' | 'get_agent_config';

@Injectable()
export class PolicyMetrics {
  readonly decisions: Counter<'operation' | 'door' | 'outcome' | 'reason'>;
  readonly latency: Histogram<'operation' | 'door'>;
  readonly invalidations: Counter<'source'>;
  readonly settlements: Counter<'kind'>;

  constructor(metrics: MetricsService, db: DataSource) {
    const registers = [metrics.registry];
    this.decisions = new Counter({
      name: 'mp_policy_decisions_total',
      help: 'Policy decisions by operation, door, outcome (ok, admitted, rejected, error) and reason',
      labelNames: ['operation', 'door', 'outcome', 'reason'],
      registers,
    });
    this.latency = new Histogram({
      name: 'mp_policy_decision_duration_seconds',
      help: 'Time to answer a policy request, from decoded request to encoded answer',
      labelNames: ['operation', 'door'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.invalidations = new Counter({
      name: 'mp_policy_cache_invalidations_total',
      help: 'Policy cache invalidations by source (local change, NATS broadcast, database poll)',
      labelNames: ['source'],
      registers,
    });
    this.settlements = new Counter({
      name: 'mp_policy_reservations_closed_total',
      help: 'Reservations closed, by how (settled by an execution event, released, expired)',
      labelNames: ['kind'],
      registers,
    });
    new Gauge({
      name: 'mp_policy_reservations_outstanding',
      help: 'Open quota reservations (all tenants), read from the database at scrape time',
      registers,
      async collect() {
        try {
          const [row] = await db.query<Array<{ n: number }>>(
            `SELECT count(*)::int AS n FROM policy.reservations WHERE status = 'open'`,
          );
          this.set(row?.n ?? 0);
        } catch {
          // The database being down shows in /readyz; keep the last value here.
        }
      },
    });
  }

  // Label children resolved once: the hot path then skips prom-client's per-call label hashing.
  private readonly latencyChildren = new Map<string, { observe(value: number): void }>();
  private readonly decisionChildren = new Map<string, { inc(): void }>();

  /** Records one answered request. */
  observe(operation: Operation, door: Door, seconds: number, outcome: string, reason: string): void {
    const timing = `${operation}|${door}`;
    let latency = this.latencyChildren.get(timing);
    if (!latency) {
      latency = this.latency.labels({ operation, door });
      this.latencyChildren.set(timing, latency);
    }
    latency.observe(seconds);
    const key = `${timing}|${outcome}|${reason}`;
    let decision = this.decisionChildren.get(key);
    if (!decision) {
      decision = this.decisions.labels({ operation, door, outcome, reason });
      // Reasons come from fixed sets (error codes, rejections); the bound is a safeguard.
      if (this.decisionChildren.size < 1000) this.decisionChildren.set(key, decision);
    }
    decision.inc();
  }
}
