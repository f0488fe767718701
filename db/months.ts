/** Months are "YYYY-MM" strings: they sort and compare as text. */
export type Month = string;

export const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;
export const FIRST_MONTH: Month = '2000-01';

export function monthIndex(month: Month): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

export function monthFromIndex(index: number): Month {
  const year = Math.floor(index / 12);
  return `${year}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function addMonths(month: Month, delta: number): Month {
  return monthFromIndex(monthIndex(month) + delta);
}

/** Every month from `from` to `to`, inclusive. */
export function monthRange(from: Month, to: Month): Month[] {
  const out: Month[] = [];
  for (let i = monthIndex(from); i <= monthIndex(to); i++) out.push(monthFromIndex(i));
  return out;
}

/** The calendar month that `date` falls in, in the reporting time zone. */
export function monthOf(date: Date, timeZone: string): Month {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}`;
}

export function reportingTimeZone(): string {
  return process.env.TZ_REPORTING || 'Asia/Ho_Chi_Minh';
}

export function currentMonth(now = new Date()): Month {
  return monthOf(now, reportingTimeZone());
}

export function lastCompleteMonth(now = new Date()): Month {
  return addMonths(currentMonth(now), -1);
}

/** First and last ISO day of a month. */
export function monthStart(month: Month): string {
  return `${month}-01`;
}

export function monthEnd(month: Month): string {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(days).padStart(2, '0')}`;
}

/** The day before an ISO day. */
export function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
