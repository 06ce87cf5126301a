// Billing periods: calendar months in UTC by default, or months starting on a tenant's anchor day
// (1-28, from its quota in the tenant registry). A period is named after the month it starts in:
// with anchor day 15, "2026-12" runs from 2026-12-15T00:00Z to 2027-01-15T00:00Z.

export interface BillingPeriod {
  /** First instant of the period (UTC midnight of the anchor day). */
  readonly start: Date;
  /** First instant after the period. */
  readonly end: Date;
  readonly anchorDay: number;
  /** "2026-12": the month the period starts in. */
  readonly label: string;
  /** "2026-12-15": the start as a SQL date (the key periods are stored under). */
  readonly startDate: string;
}

const MONTH = /^(\d{4})-(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

/** 1 when the anchor day is missing or out of range (calendar months). */
export function normalizeAnchorDay(day: number | undefined): number {
  return day !== undefined && Number.isInteger(day) && day >= 1 && day <= 28 ? day : 1;
}

function build(year: number, month: number, anchorDay: number): BillingPeriod {
  const start = new Date(Date.UTC(year, month, anchorDay));
  const end = new Date(Date.UTC(year, month + 1, anchorDay));
  const y = start.getUTCFullYear();
  const m = String(start.getUTCMonth() + 1).padStart(2, '0');
  return {
    start,
    end,
    anchorDay,
    label: `${y}-${m}`,
    startDate: `${y}-${m}-${String(anchorDay).padStart(2, '0')}`,
  };
}

/** The period that contains `at`. */
export function periodContaining(at: Date, anchorDay: number): BillingPeriod {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  return at.getTime() >= Date.UTC(year, month, anchorDay)
    ? build(year, month, anchorDay)
    : build(year, month - 1, anchorDay);
}

const startDates = new Map<number, string>();

/** The period's start as a SQL date (the ingest hot path: integer arithmetic and a small memo). */
export function periodStartDate(at: Date, anchorDay: number): string {
  let year = at.getUTCFullYear();
  let month = at.getUTCMonth();
  if (at.getUTCDate() < anchorDay) {
    month -= 1;
    if (month < 0) {
      month = 11;
      year -= 1;
    }
  }
  const key = (year * 12 + month) * 32 + anchorDay;
  let date = startDates.get(key);
  if (date === undefined) {
    date = `${year}-${String(month + 1).padStart(2, '0')}-${String(anchorDay).padStart(2, '0')}`;
    if (startDates.size > 10_000) startDates.clear();
    startDates.set(key, date);
  }
  return date;
}

/**
 * `2026-12` (the period starting in that month) or `2026-12-20` (the period containing that day);
 * throws PeriodError otherwise.
 */
export function parsePeriod(text: string, anchorDay: number): BillingPeriod {
  const month = MONTH.exec(text);
  if (month) {
    const m = Number(month[2]);
    if (m < 1 || m > 12) throw new PeriodError(`month must be 01-12 (got ${text})`);
    return build(Number(month[1]), m - 1, anchorDay);
  }
  const day = DAY.exec(text);
  if (day) {
    const date = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    if (
      date.getUTCFullYear() !== Number(day[1]) ||
      date.getUTCMonth() !== Number(day[2]) - 1 ||
      date.getUTCDate() !== Number(day[3])
    )
      throw new PeriodError(`${text} is not a calendar date`);
    return periodContaining(date, anchorDay);
  }
  throw new PeriodError(`must be a month (2026-12) or a date (2026-12-20) (got ${JSON.stringify(text)})`);
}

/** The period stored under `startDate` ("2026-12-15"). */
export function periodFromStartDate(startDate: string): BillingPeriod {
  const day = DAY.exec(startDate);
  if (!day) throw new PeriodError(`not a period start: ${startDate}`);
  return build(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
}

/** A period is closed once its end has passed. */
export function isClosed(period: BillingPeriod, now: Date): boolean {
  return now.getTime() >= period.end.getTime();
}
