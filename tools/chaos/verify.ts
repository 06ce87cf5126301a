// What the chaos suite checks once the plane has converged: the plane's own records against the ground
// truth of what the workload had acknowledged. Pure, so its rules are unit-tested.
import type { GroundTruth } from './workload.js';

export interface PlaneCounts {
  /** Every (tenant, event id) row of the observability store's history for the workload's tenants. */
  storedEvents: Array<{ tenantId: string; eventId: string }>;
  /** Billing: usage lines, distinct (source, event id) among them, and events counted in the totals. */
  usageLines: number;
  distinctUsageLines: number;
  billedEvents: number;
  /** Policy engine: reservations by tenant and status, and GPU milliseconds used per tenant. */
  reservations: Array<{ tenantId: string; status: string; count: number }>;
  gpuMsUsed: Map<string, number>;
  /** The hash chain of each tenant as GET /api/v1/audit/verify reports it. */
  chains: Array<{ tenantId: string; rowsVerified: number; broken: boolean }>;
  /** Messages in the dead-letter stream (a valid event never belongs there). */
  deadLetters: number;
}

/** Every disagreement, as a sentence; empty when the plane agrees exactly. */
export function compare(truth: GroundTruth, plane: PlaneCounts): string[] {
  const problems: string[] = [];
  const published = truth.agentEvents + truth.executionEvents;

  // Observability store: every acknowledged event, once, nothing else.
  const seen = new Map<string, number>();
  for (const e of plane.storedEvents) {
    const k = `${e.tenantId} ${e.eventId}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const duplicates = [...seen.values()].filter((n) => n > 1).length;
  if (duplicates > 0) problems.push(`observability store: ${duplicates} events stored more than once`);
  let missing = 0;
  for (const [tenantId, ids] of truth.events)
    for (const id of ids) if (!seen.has(`${tenantId} ${id}`)) missing++;
  if (missing > 0)
    problems.push(`observability store: ${missing} of ${published} acknowledged events missing`);
  if (plane.storedEvents.length !== published)
    problems.push(
      `observability store: ${plane.storedEvents.length} rows for ${published} acknowledged events`,
    );
  for (const chain of plane.chains) {
    const expected = truth.events.get(chain.tenantId)?.size ?? 0;
    if (chain.broken)
      problems.push(`observability store: the hash chain of tenant ${chain.tenantId} is broken`);
    if (chain.rowsVerified !== expected)
      problems.push(
        `observability store: the chain of tenant ${chain.tenantId} verified ${chain.rowsVerified} rows, ${expected} expected`,
      );
  }

  // Billing: one line per AgentEvent and terminal ExecutionEvent, each counted once in the totals.
  const billable = truth.agentEvents + truth.terminalExecutions;
  if (plane.usageLines !== billable)
    problems.push(`billing: ${plane.usageLines} usage lines for ${billable} billable events`);
  if (plane.distinctUsageLines !== plane.usageLines) problems.push('billing: duplicate usage lines');
  if (plane.billedEvents !== billable)
    problems.push(`billing: the tenant totals count ${plane.billedEvents} events, ${billable} billed`);

  // Policy engine: one reservation per admitted job, none left open, GPU usage exact.
  for (const [tenantId, admitted] of truth.admitted) {
    const rows = plane.reservations.filter((r) => r.tenantId === tenantId);
    const total = rows.reduce((a, r) => a + r.count, 0);
    const open = rows.filter((r) => r.status === 'open').reduce((a, r) => a + r.count, 0);
    if (total !== admitted)
      problems.push(`policy engine: ${total} reservations for ${admitted} admitted jobs of ${tenantId}`);
    if (open > 0) problems.push(`policy engine: ${open} reservations of ${tenantId} still open (leaked)`);
    const gpu = plane.gpuMsUsed.get(tenantId) ?? 0;
    const expected = truth.gpuMs.get(tenantId) ?? 0;
    if (gpu !== expected)
      problems.push(`policy engine: ${gpu} GPU ms used by ${tenantId}, ${expected} reported`);
  }

  if (plane.deadLetters > 0) problems.push(`${plane.deadLetters} messages in the dead-letter stream`);
  return problems;
}
