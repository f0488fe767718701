import { type Month, addMonths } from '../months.ts';
import type { MonthSums } from '../stats.ts';

/**
 * The latest month that every regularly reporting province (one with data in the 12 months
 * before it) has reported, and that has ended. The site and the watch list both end their
 * 12-month windows here.
 */
export function latestCompleteMonth(byProvince: Map<number, MonthSums[]>, before: Month): Month | null {
  const periods = new Map<number, Set<Month>>();
  let latest: Month | null = null;
  for (const [id, months] of byProvince) {
    periods.set(id, new Set(months.map((m) => m.period)));
    for (const m of months) if (m.period < before && (latest === null || m.period > latest)) latest = m.period;
  }
  for (let m = latest; m !== null && m >= '2000-01'; m = addMonths(m, -1)) {
    const month = m;
    const expected = [...periods.values()].filter((set) => [...set].some((p) => p < month && p >= addMonths(month, -12)));
    if (expected.every((set) => set.has(month))) return month;
  }
  return null;
}

/** The day of the month `date` falls on, in the reporting time zone. */
export function dayOfMonth(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, day: '2-digit' }).formatToParts(date);
  return Number(parts.find((p) => p.type === 'day')?.value ?? '1');
}
