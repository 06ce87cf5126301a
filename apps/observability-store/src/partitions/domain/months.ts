// The months whose partitions should exist: the previous one (late events) through a few ahead, so an
// event is almost never written into the default partition.

export const MONTHS_BEHIND = 1;
export const MONTHS_AHEAD = 3;

/** First days (`YYYY-MM-01`, UTC) of the months from `behind` before `now` to `ahead` after it. */
export function monthsAround(now: Date, behind = MONTHS_BEHIND, ahead = MONTHS_AHEAD): string[] {
  const months: string[] = [];
  for (let m = -behind; m <= ahead; m++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + m, 1));
    months.push(d.toISOString().slice(0, 10));
  }
  return months;
}
