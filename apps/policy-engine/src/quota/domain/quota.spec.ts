import { describe, expect, it } from '@jest/globals';
import { AdmitJobRejection } from '@auraison/contracts';
import { decideAdmission } from './admission.js';
import { periodAt } from './period.js';
import { gpuHoursToMs, gpuSecondsToMs, msToGpuHours, reservedGpuMs } from './units.js';

describe('periodAt', () => {
  it.each([
    ['2026-12-04T12:00:00Z', 1, '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['2026-12-14T23:59:59Z', 15, '2026-11-15T00:00:00.000Z', '2026-12-15T00:00:00.000Z'],
    ['2026-12-15T00:00:00Z', 15, '2026-12-15T00:00:00.000Z', '2027-01-15T00:00:00.000Z'],
    ['2026-01-03T00:00:00Z', 28, '2025-12-28T00:00:00.000Z', '2026-01-28T00:00:00.000Z'],
    ['2026-03-01T00:00:00Z', 0, '2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
  ])('should put %s in the right period when the anchor day is %i', (at, day, start, end) => {
    const p = periodAt(new Date(at), day);
    expect([p.start.toISOString(), p.end.toISOString()]).toEqual([start, end]);
  });
});

describe('units', () => {
  it('should convert GPU-hours with three decimals to exact integer milliseconds', () => {
    expect(gpuHoursToMs(0.1)).toBe(360_000);
    expect(gpuHoursToMs(42.5)).toBe(153_000_000);
    expect(gpuHoursToMs(1.001)).toBe(3_603_600);
    expect(Number.isInteger(gpuHoursToMs(0.3))).toBe(true);
    expect(msToGpuHours(153_000_000)).toBe(42.5);
    expect(gpuSecondsToMs(1.2345)).toBe(1235);
    expect(reservedGpuMs(2, 3600)).toBe(7_200_000);
  });
});

describe('decideAdmission', () => {
  const limits = { gpuMs: 10 * 3_600_000, tokens: 1000, maxJobsInFlight: 2 };
  const empty = { gpuMsUsed: 0, tokensUsed: 0, gpuMsReserved: 0, tokensReserved: 0, jobsInFlight: 0 };

  it('should admit a job that fits', () => {
    expect(decideAdmission(limits, empty, { gpuMs: 10 * 3_600_000, tokens: 1000 })).toEqual({
      admitted: true,
    });
  });

  it('should reject with the reason when a limit would be exceeded', () => {
    expect(decideAdmission(limits, { ...empty, jobsInFlight: 2 }, { gpuMs: 0, tokens: 0 })).toMatchObject({
      rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_MAX_JOBS_IN_FLIGHT,
      message: 'the tenant already has 2 of 2 jobs in flight',
    });
    expect(
      decideAdmission(
        limits,
        { ...empty, gpuMsUsed: 3_600_000, gpuMsReserved: 3_600_000 },
        { gpuMs: 9 * 3_600_000, tokens: 0 },
      ),
    ).toMatchObject({
      rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_GPU_HOURS_EXCEEDED,
      message: 'the job needs 9 GPU-hours (GPUs x max duration); 8 are left this period',
    });
    expect(
      decideAdmission(limits, { ...empty, tokensReserved: 900 }, { gpuMs: 0, tokens: 101 }),
    ).toMatchObject({
      rejection: AdmitJobRejection.ADMIT_JOB_REJECTION_TOKEN_BUDGET_EXCEEDED,
    });
  });

  it('should reject when usage already overran the limit', () => {
    expect(decideAdmission(limits, { ...empty, tokensUsed: 2000 }, { gpuMs: 0, tokens: 1 })).toMatchObject({
      message: 'the job estimates 1 tokens; 0 are left this period',
    });
  });
});
