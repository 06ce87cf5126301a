// One attempt of a claimed run: read the window's inputs, compute signals and experiment comparisons,
// then in ONE transaction store the signals, finish the run, judge the alert rules (states and their
// deliveries) and queue the EvaluationSummary for mp.eval.summaries. Events are required (without them
// the attempt fails and is retried); costs and W&B are optional (without them the run is degraded and
// says why). It only reads and reports: it never changes prompts, scopes or models.
import { Inject, Injectable } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { EvaluationSummaryMessage, SUBJECTS } from '@auraison/contracts';
import { EVAL_OPTIONS, type EvalOptions } from '../../common/eval-options.js';
import { AlertEvaluator } from '../../alerts/application/alert-evaluator.service.js';
import { DeliveryRelay } from '../../alerts/application/delivery-relay.service.js';
import { AlertRuleRepository, type StoredAlertRule } from '../../alerts/persistence/alert-rule.repository.js';
import { DeliveryRepository } from '../../alerts/persistence/delivery.repository.js';
import {
  CostSource,
  EventSource,
  InputUnavailableError,
  WandbSource,
  type EventWindow,
  type JobCosts,
} from '../../inputs/application/ports.js';
import { buildOutcomes, outcomesWithin, TERMINAL_STATUSES } from '../domain/outcomes.js';
import { windowEndingAt } from '../domain/run.js';
import { compareExperiments, computeSignals, type SignalFigures } from '../domain/signals.js';
import { toSummaryMessage } from '../domain/summary-message.js';
import { RunRepository, type ClaimedRun } from '../persistence/run.repository.js';
import { SignalRepository } from '../persistence/signal.repository.js';

/** What an attempt produced. */
export interface RunResult {
  status: 'succeeded' | 'degraded';
  degradedReason?: string;
  signals: number;
  transitions: number;
  timings: Record<string, number>;
}

// A summary must fit the stream's message limit (1 MiB); the API keeps every slice regardless.
const MAX_SUMMARY_BYTES = 900 * 1024;

const HOUR_MS = 3_600_000;

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}

@Injectable()
export class EvaluateRun {
  constructor(
    private readonly events: EventSource,
    private readonly costs: CostSource,
    private readonly wandb: WandbSource,
    private readonly runs: RunRepository,
    private readonly signals: SignalRepository,
    private readonly rules: AlertRuleRepository,
    private readonly alerts: AlertEvaluator,
    private readonly deliveries: DeliveryRepository,
    private readonly relay: DeliveryRelay,
    private readonly transactions: TransactionRunner,
    @Inject(EVAL_OPTIONS) private readonly options: EvalOptions,
  ) {}

  async execute(run: ClaimedRun): Promise<RunResult> {
    const timings: Record<string, number> = {};
    const started = performance.now();
    const rules = await this.rules.rulesFor(run.tenantId);
    const hoursOf = (rule: StoredAlertRule): number => rule.windowHours ?? run.windowHours;
    // Rules may look at longer windows than the evaluation: read the longest once.
    const longest = Math.max(run.windowHours, ...rules.map(hoursOf));
    const read: EventWindow = {
      tenantId: run.tenantId,
      start: windowEndingAt(run.windowEnd, longest).start,
      end: run.windowEnd,
    };
    const [executions, agents] = await Promise.all([
      this.events.executions(read),
      this.events.agentEvents({
        ...read,
        start: new Date(read.start.getTime() - this.options.agentLookbackHours * HOUR_MS),
      }),
    ]);
    const allJobs = new Set<string>();
    const windowJobs = new Set<string>();
    for (const e of executions) {
      if (!TERMINAL_STATUSES.has(e.status)) continue;
      allJobs.add(e.jobId);
      if (e.timestamp >= run.windowStart && e.timestamp < run.windowEnd) windowJobs.add(e.jobId);
    }
    const degraded: string[] = [];
    const optional = async <T>(what: string, fallback: T, read: () => Promise<T>): Promise<T> => {
      try {
        return await read();
      } catch (e) {
        if (!(e instanceof InputUnavailableError)) throw e;
        degraded.push(`${what}: ${e.message}`);
        return fallback;
      }
    };
    const [jobCosts, wandb] = await Promise.all([
      optional<JobCosts>('costs unknown', { costs: new Map<string, bigint>() }, async () =>
        allJobs.size
          ? this.costs.jobCosts(run.tenantId, [...allJobs], read)
          : { costs: new Map<string, bigint>() },
      ),
      optional(
        'W&B metrics unavailable',
        { runs: 0, metrics: new Map<string, Record<string, number>>() },
        async () => this.wandb.metricsByJob([...windowJobs]),
      ),
    ]);
    const costs = jobCosts.costs;
    if (jobCosts.incomplete) degraded.push(`costs partly unknown: ${jobCosts.incomplete}`);
    timings.fetch_ms = elapsed(started);

    const computing = performance.now();
    const all = buildOutcomes({ tenantId: run.tenantId, executions, agents, costs, wandb: wandb.metrics });
    const inWindow = outcomesWithin(all, run.windowStart, run.windowEnd);
    const previousRun = await this.runs.previousWindowRun(run.tenantId, run.windowStart, run.id);
    const previous = previousRun ? await this.signals.previousSlices(run.tenantId, previousRun) : [];
    const options = { labelKey: this.options.labelKey, minSampleSize: this.options.minSampleSize };
    const signals = computeSignals(inWindow, previous, options);
    const experiments = compareExperiments(inWindow, options);
    const byWindow = new Map<number, readonly SignalFigures[]>([[run.windowHours, signals]]);
    const signalsFor = (rule: StoredAlertRule): readonly SignalFigures[] => {
      const hours = hoursOf(rule);
      let list = byWindow.get(hours);
      if (!list) {
        const { start, end } = windowEndingAt(run.windowEnd, hours);
        byWindow.set(hours, (list = computeSignals(outcomesWithin(all, start, end), [], options)));
      }
      return list;
    };
    for (const rule of rules) signalsFor(rule);
    timings.compute_ms = elapsed(computing);

    const storing = performance.now();
    const inputs = {
      executions: executions.length,
      agent_events: agents.length,
      outcomes: inWindow.length,
      jobs: windowJobs.size,
      jobs_with_cost: [...windowJobs].filter((j) => costs.has(j)).length,
      wandb_runs: wandb.runs,
      signals: signals.length,
    };
    const degradedReason = degraded.length ? degraded.join('; ') : undefined;
    const status = degradedReason ? 'degraded' : 'succeeded';
    const transitions = await this.transactions.run(async (db) => {
      const finishedAt = new Date();
      const lastStatus = await this.runs.lastFinishedStatus(db, run.tenantId, run.id);
      await this.signals.insert(db, run.id, run.tenantId, signals);
      const judged = await this.alerts.judge(db, {
        tenantId: run.tenantId,
        runId: run.id,
        rules,
        signalsFor,
        windowHoursOf: hoursOf,
        at: finishedAt,
      });
      const summary = this.fitted(
        toSummaryMessage({ ...run, degradedReason, finishedAt }, signals, experiments),
      );
      await this.deliveries.addNats(db, [
        {
          eventId: summary.eventId,
          subject: SUBJECTS.evalSummaries,
          messageType: EvaluationSummaryMessage.typeName,
          payload: EvaluationSummaryMessage.encode(summary),
        },
      ]);
      if (lastStatus === 'failed') await this.alerts.runRecovered(db, run.tenantId, run.id);
      // Last, so the run shows finished only with everything else, and its timings up to the COMMIT.
      timings.store_ms = elapsed(storing);
      timings.total_ms = elapsed(started);
      await this.runs.finish(db, run.id, {
        status,
        ...(degradedReason ? { degradedReason } : {}),
        inputs,
        timings,
        experiments,
        summaryEventId: summary.eventId,
        finishedAt,
      });
      db.afterCommit(() => this.relay.nudge());
      return judged.length;
    });
    return {
      status,
      ...(degradedReason ? { degradedReason } : {}),
      signals: signals.length,
      transitions,
      timings,
    };
  }

  /** Drops the smallest slices from the message (not from the API) until it fits the stream. */
  private fitted(summary: ReturnType<typeof toSummaryMessage>): ReturnType<typeof toSummaryMessage> {
    if (EvaluationSummaryMessage.encode(summary).length <= MAX_SUMMARY_BYTES) return summary;
    const signals = [...summary.signals].sort((a, b) => b.runs - a.runs);
    const total = signals.length;
    let keep = total;
    while (keep > 0) {
      keep = Math.floor(keep * 0.8);
      const trimmed = { ...summary, signals: signals.slice(0, keep) };
      if (EvaluationSummaryMessage.encode(trimmed).length <= MAX_SUMMARY_BYTES) {
        const note = `message carries the ${keep} largest of ${total} slices; GET /api/v1/eval/summaries/${summary.runId} has all`;
        return {
          ...trimmed,
          degradedReason: summary.degradedReason ? `${summary.degradedReason}; ${note}` : note,
        };
      }
    }
    return { ...summary, signals: [] };
  }
}
