import { toMilli } from './decimal.js';
import type { Quota } from './tenant.js';

/** Field-by-field equality, decimals compared by value ("4" equals "4.000"). */
export function quotaEquals(a: Quota, b: Quota): boolean {
  return (
    toMilli(a.gpuHoursPerPeriod) === toMilli(b.gpuHoursPerPeriod) &&
    a.tokenBudgetPerPeriod === b.tokenBudgetPerPeriod &&
    a.maxJobsInFlight === b.maxJobsInFlight &&
    a.defaultMaxJobDurationS === b.defaultMaxJobDurationS &&
    a.periodAnchorDay === b.periodAnchorDay &&
    a.maxGpus === b.maxGpus &&
    toMilli(a.cpuCores) === toMilli(b.cpuCores) &&
    toMilli(a.memoryGib) === toMilli(b.memoryGib)
  );
}
