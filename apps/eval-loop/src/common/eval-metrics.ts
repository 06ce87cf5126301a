// The domain metrics of eval-loop, on the service's registry (/metrics).
import { Global, Injectable, Module } from '@nestjs/common';
import { MetricsService } from '@auraison/observability';
import { Counter, Histogram } from 'prom-client';

@Injectable()
export class EvalMetrics {
  /** Attempts of evaluation runs by trigger and result (succeeded, degraded, retried, failed). */
  readonly runs: Counter<'trigger' | 'result'>;
  readonly runDuration: Histogram<'phase'>;
  readonly alertTransitions: Counter<'state' | 'severity'>;
  readonly deliveries: Counter<'target' | 'result'>;
  readonly executionsCounted: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.runs = new Counter({
      name: 'eval_loop_runs_total',
      help: 'Evaluation run attempts by trigger and result (succeeded, degraded, retried, failed)',
      labelNames: ['trigger', 'result'],
      registers,
    });
    this.runDuration = new Histogram({
      name: 'eval_loop_run_phase_seconds',
      help: 'Time an evaluation run spends per phase (fetch, compute, store, total)',
      labelNames: ['phase'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
    this.alertTransitions = new Counter({
      name: 'eval_loop_alert_transitions_total',
      help: 'Alert transitions by new state (firing, resolved) and severity',
      labelNames: ['state', 'severity'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'eval_loop_deliveries_total',
      help: 'Deliveries of summaries and alerts by target (nats, webhook) and result (delivered, retried, abandoned)',
      labelNames: ['target', 'result'],
      registers,
    });
    this.executionsCounted = new Counter({
      name: 'eval_loop_terminal_executions_total',
      help: 'Terminal ExecutionEvents counted towards the every-N trigger (each event id once)',
      registers,
    });
  }
}

@Global()
@Module({ providers: [EvalMetrics], exports: [EvalMetrics] })
export class EvalMetricsModule {}
