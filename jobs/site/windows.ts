import { rateOf } from '../../db/adoption.ts';
import { type Month, addMonths, currentMonth } from '../../db/months.ts';
import type { Service } from '../../db/services.ts';
import type { Sums } from '../../db/stats.ts';
import type { ServiceSummary, SiteMeta, Window12 } from '../../web/model.ts';

/** A 12-month window's figures and their change from the 12 months before. */
export function windowOf(current: Sums, previous: Sums): Window12 {
  const rate = rateOf(current.online, current.total);
  const previousRate = rateOf(previous.online, previous.total);
  return {
    rate_12m: rate,
    previous_rate_12m: previousRate,
    change_pp: rate === null || previousRate === null ? null : Math.round((rate - previousRate) * 1000) / 10,
    online_12m: current.online,
    total_12m: current.total,
    paper_12m: current.total - current.online,
  };
}

/** A service's row in a table: its catalogue entry with its window in one place (a province, a commune, the country). */
export function serviceSummaryOf(s: Service, now12: Sums, before12: Sums): ServiceSummary {
  return { code: s.code, name_vi: s.name_vi, name_en: s.name_en, agency: s.agency, online_level: s.online_level, online_since: s.online_since, ...windowOf(now12, before12) };
}

/** The 12-month window every figure of a build reads, and the 12 months before it. */
export interface Windows {
  from: Month;
  to: Month;
  prevFrom: Month;
  prevTo: Month;
}

/** The windows of a build: the 12 months to the latest complete month (or last month, when none is). */
export function buildWindows(meta: Pick<SiteMeta, 'latest_complete_month'>, now: Date): Windows {
  const to = meta.latest_complete_month ?? addMonths(currentMonth(now), -1);
  const from = addMonths(to, -11);
  return { from, to, prevFrom: addMonths(from, -12), prevTo: addMonths(from, -1) };
}
