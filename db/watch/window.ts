import { type UnitsByMonth, addUnit, areasAlwaysExist, coverageOf } from '../coverage.ts';
import { FIRST_MONTH, type Month, addMonths } from '../months.ts';
import type { MonthSums } from '../stats.ts';

/**
 * The latest month that is complete by the coverage rule (db/coverage.ts) over these areas:
 * every area that reported in it or in the 12 months before did report, and it has ended
 * (`today` never is). The site and the watch list both end their 12-month windows here.
 */
export function latestCompleteMonth(byArea: Map<number, MonthSums[]>, today: Month): Month | null {
  const units: UnitsByMonth = new Map();
  let latest: Month | null = null;
  for (const [id, months] of byArea) {
    for (const m of months) {
      addUnit(units, m.period, id);
      if (m.period < today && (latest === null || m.period > latest)) latest = m.period;
    }
  }
  for (let m = latest; m !== null && m >= FIRST_MONTH; m = addMonths(m, -1)) {
    if (coverageOf(m, m, 'month', { units, exists: areasAlwaysExist, today }).complete) return m;
  }
  return null;
}

/** The day of the month `date` falls on, in the reporting time zone. */
export function dayOfMonth(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, day: '2-digit' }).formatToParts(date);
  return Number(parts.find((p) => p.type === 'day')?.value ?? '1');
}
