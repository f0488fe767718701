import { Type } from 'typebox';
import { FIRST_MONTH } from '../../db/months.ts';

export const MonthParam = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM' });

/** The pattern cannot see that 2022-13 is not a month: this can. */
export function badMonth(month: string | undefined): string | null {
  if (month === undefined) return null;
  const m = Number(month.slice(5, 7));
  if (m < 1 || m > 12) return `${month} is not a month: months are 01 to 12`;
  if (month < FIRST_MONTH) return `${month} is before ${FIRST_MONTH}`;
  return null;
}

/** from/to, checked together. */
export function badRange(from?: string, to?: string): string | null {
  return badMonth(from) ?? badMonth(to) ?? (from && to && from > to ? `from (${from}) is after to (${to})` : null);
}
