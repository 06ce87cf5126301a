// Quota periods: a period starts on the tenant's anchor day (1-28) of a month at 00:00 UTC and ends
// on the same day of the next month. Anchor day 1 gives calendar months.

export interface Period {
  /** Inclusive. */
  start: Date;
  /** Exclusive. */
  end: Date;
}

/** The period containing `at` for `anchorDay` (values outside 1-28 count as 1). */
export function periodAt(at: Date, anchorDay: number): Period {
  const day = Number.isInteger(anchorDay) && anchorDay >= 1 && anchorDay <= 28 ? anchorDay : 1;
  let year = at.getUTCFullYear();
  let month = at.getUTCMonth();
  if (at.getUTCDate() < day) month -= 1;
  if (month < 0) {
    month = 11;
    year -= 1;
  }
  return { start: new Date(Date.UTC(year, month, day)), end: new Date(Date.UTC(year, month + 1, day)) };
}
