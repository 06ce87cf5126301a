// One prom-client registry per service: process metrics plus the domain metrics every library and
// feature registers on it. Injected, never global, so tests and several apps in one process do not
// collide.
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');

export interface MetricsOptions {
  /** Service name, set as the `service` label on every metric. */
  service: string;
  /** Collect Node.js process metrics (default true). */
  processMetrics?: boolean;
}

@Injectable()
export class MetricsService {
  readonly registry: Registry;

  constructor(options: MetricsOptions) {
    this.registry = new Registry();
    this.registry.setDefaultLabels({ service: options.service });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Prometheus text exposition of every metric. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
