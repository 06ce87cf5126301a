import type { PolicyEngineConfig } from '../../config.js';

/** Injection token of the settings the features read (from the validated config). */
export const POLICY_ENGINE_OPTIONS = Symbol('POLICY_ENGINE_OPTIONS');

export interface PolicyEngineOptions {
  /** Rules of the actuation tools (MP_ACTUATION_TOOLS). */
  actuationTools: readonly string[];
  pollMs: number;
  sweepIntervalMs: number;
  reservationGraceS: number;
  maxJobDurationS: number;
  gateMaxDurationS: number;
  observabilityUrl: string;
}

export function policyEngineOptions(config: PolicyEngineConfig): PolicyEngineOptions {
  return {
    actuationTools: config.MP_ACTUATION_TOOLS,
    pollMs: config.MP_POLICY_POLL_MS,
    sweepIntervalMs: config.MP_SWEEP_INTERVAL_MS,
    reservationGraceS: config.MP_RESERVATION_GRACE_S,
    maxJobDurationS: config.MP_MAX_JOB_DURATION_S,
    gateMaxDurationS: config.MP_GATE_MAX_DURATION_S,
    observabilityUrl: config.MP_OBSERVABILITY_URL.replace(/\/+$/, ''),
  };
}
