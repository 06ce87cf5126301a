// Job costs from billing's API. One call per billing period the window touches:
// GET /api/v1/billing/usage?tenant_id=&period=<date>&breakdown_limit=1000 gives the costliest jobs of
// the period (cost as a USD decimal string with six decimals, i.e. exact micro-units). When a period
// has more jobs than the breakdown shows, the window's jobs it left out are asked one by one
// (GET /api/v1/billing/jobs/:job_id), up to a cap. A job with unpriced usage has no known cost yet.
// Billing unreachable or refusing: InputUnavailableError (the run is degraded, not failed).
import { CostSource, InputUnavailableError, type EventWindow, type JobCosts } from '../application/ports.js';
import { ServiceCallError, type ServiceHttpClient } from './service-http.client.js';

const BREAKDOWN_LIMIT = 1000;
/** Jobs asked one by one per run, at most (beyond: their cost stays unknown, and the run says so). */
export const MAX_JOB_LOOKUPS = 2000;
const LOOKUP_CONCURRENCY = 8;

interface UsageResponse {
  period: { label: string; start: string; end: string };
  breakdowns: {
    job: { items: Array<{ key: string | null; cost: string; unpriced_events: number }>; total_count: number };
  };
}

interface JobCostResponse {
  cost: string;
  lines?: Array<{ cost: string | null }>;
}

/** "14.845678" (USD, up to six decimals, maybe negative) -> 14845678n micro-units. */
export function parseMicros(amount: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d{1,6}))?$/.exec(amount.trim());
  if (!m) throw new Error(`not a money amount: ${JSON.stringify(amount)}`);
  const micros = BigInt(m[2]!) * 1_000_000n + BigInt((m[3] ?? '').padEnd(6, '0'));
  return m[1] ? -micros : micros;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);

export class BillingCostSource extends CostSource {
  constructor(private readonly http: ServiceHttpClient) {
    super();
  }

  async jobCosts(tenantId: string, jobIds: readonly string[], window: EventWindow): Promise<JobCosts> {
    try {
      return await this.read(tenantId, jobIds, window);
    } catch (e) {
      if (e instanceof ServiceCallError) throw new InputUnavailableError(e.message);
      throw e;
    }
  }

  private async read(tenantId: string, jobIds: readonly string[], window: EventWindow): Promise<JobCosts> {
    const wanted = new Set(jobIds);
    const costs = new Map<string, bigint>();
    const unpriced = new Set<string>();
    let truncated = false;
    // Walk the periods covering the window: each answer says where its period ends.
    for (let at = window.start, guard = 0; at < window.end && guard < 400; guard++) {
      const usage = await this.http.getJson<UsageResponse>('api/v1/billing/usage', {
        tenant_id: tenantId,
        period: day(at),
        breakdown_limit: BREAKDOWN_LIMIT,
      });
      const jobs = usage.breakdowns.job;
      for (const item of jobs.items) {
        if (!item.key || !wanted.has(item.key)) continue;
        if (item.unpriced_events > 0) unpriced.add(item.key);
        costs.set(item.key, (costs.get(item.key) ?? 0n) + parseMicros(item.cost));
      }
      if (jobs.total_count > jobs.items.length) truncated = true;
      const end = new Date(usage.period.end);
      if (!(end > at)) break;
      at = end;
    }
    let incomplete: string | undefined;
    if (truncated) {
      const all = jobIds.filter((j) => !costs.has(j));
      const missing = all.slice(0, MAX_JOB_LOOKUPS);
      if (all.length > missing.length)
        incomplete = `costs of ${all.length - missing.length} of ${jobIds.length} jobs not read (billing lists the ${BREAKDOWN_LIMIT} costliest jobs of a period; ${MAX_JOB_LOOKUPS} more are asked one by one)`;
      for (let i = 0; i < missing.length; i += LOOKUP_CONCURRENCY)
        await Promise.all(
          missing.slice(i, i + LOOKUP_CONCURRENCY).map(async (jobId) => {
            try {
              const job = await this.http.getJson<JobCostResponse>(
                `api/v1/billing/jobs/${encodeURIComponent(jobId)}`,
                { tenant_id: tenantId },
              );
              if (job.lines?.some((l) => l.cost === null)) unpriced.add(jobId);
              costs.set(jobId, parseMicros(job.cost));
            } catch (e) {
              // A job billing has not seen yet has no cost; anything else is billing's trouble.
              if (!(e instanceof ServiceCallError && e.status === 404)) throw e;
            }
          }),
        );
    }
    for (const j of unpriced) costs.delete(j);
    return incomplete ? { costs, incomplete } : { costs };
  }
}
