// Cost arithmetic, in integers only. Rates are micro-USD per million tokens (token classes) and
// micro-USD per GPU-hour (environments); each class of a usage line is priced on its own and rounded
// to the micro-USD, halves up, so a line's cost is the sum of its classes' rounded costs.
import { divideRoundHalfUp, type Micros } from '../../common/domain/money.js';

export const TOKENS_PER_RATE_UNIT = 1_000_000n;
export const GPU_MILLIS_PER_HOUR = 3_600_000n;

/** Cost of `tokens` at `microsPerMillion` micro-USD per million tokens. */
export function tokenCost(tokens: bigint, microsPerMillion: bigint): Micros {
  return divideRoundHalfUp(tokens * microsPerMillion, TOKENS_PER_RATE_UNIT);
}

/** Cost of `gpuMillis` GPU-milliseconds at `microsPerGpuHour` micro-USD per GPU-hour. */
export function gpuCost(gpuMillis: bigint, microsPerGpuHour: bigint): Micros {
  return divideRoundHalfUp(gpuMillis * microsPerGpuHour, GPU_MILLIS_PER_HOUR);
}
