// Reads of runs, summaries and signals, always within the caller's tenant scope (another tenant's run
// answers 404, like one that does not exist).
import { Injectable } from '@nestjs/common';
import { notFound, type Page, type PageRequest } from '@auraison/api-kit';
import { TenantScope, type Principal } from '@auraison/auth';
import { SUMMARY_STATUSES, type EvaluationRun } from '../domain/run.js';
import type { SignalFigures } from '../domain/signals.js';
import { RunRepository, type RunFilters } from '../persistence/run.repository.js';
import { SignalRepository, type SignalFilters } from '../persistence/signal.repository.js';

export interface RunWithSignals {
  run: EvaluationRun;
  signals: SignalFigures[];
}

@Injectable()
export class ReadEvaluations {
  constructor(
    private readonly runs: RunRepository,
    private readonly signals: SignalRepository,
  ) {}

  async listRuns(
    p: Principal,
    tenantId: string | undefined,
    page: PageRequest,
    filters: RunFilters,
  ): Promise<Page<EvaluationRun>> {
    return this.runs.list(TenantScope.of(p, tenantId), page, filters);
  }

  async run(p: Principal, tenantId: string | undefined, runId: string): Promise<EvaluationRun> {
    const run = await this.runs.get(TenantScope.of(p, tenantId), runId);
    if (!run) throw notFound('evaluation run', 'run_id');
    return run;
  }

  async listSummaries(
    p: Principal,
    tenantId: string | undefined,
    page: PageRequest,
  ): Promise<Page<EvaluationRun>> {
    return this.runs.summaries(TenantScope.of(p, tenantId), page);
  }

  async summary(p: Principal, tenantId: string | undefined, runId: string): Promise<RunWithSignals> {
    const scope = TenantScope.of(p, tenantId);
    const run = await this.runs.get(scope, runId);
    if (!run || !SUMMARY_STATUSES.includes(run.status)) throw notFound('evaluation summary', 'run_id');
    return { run, signals: await this.signals.forRun(scope, runId) };
  }

  /** Signals of a run (default: the latest finished one; none yet = no run and no signals). */
  async signalsOf(
    p: Principal,
    tenantId: string | undefined,
    runId: string | undefined,
    filters: SignalFilters & { smallSample?: boolean },
  ): Promise<{ run?: EvaluationRun; signals: SignalFigures[] }> {
    const scope = TenantScope.of(p, tenantId);
    const run = runId ? await this.runs.get(scope, runId) : await this.runs.latestSummary(scope);
    if (runId && (!run || !SUMMARY_STATUSES.includes(run.status))) throw notFound('evaluation run', 'run_id');
    if (!run) return { signals: [] };
    const signals = await this.signals.forRun(scope, run.id, filters);
    return {
      run,
      signals:
        filters.smallSample === undefined
          ? signals
          : signals.filter((s) => s.smallSample === filters.smallSample),
    };
  }
}
