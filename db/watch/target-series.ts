import type Database from 'better-sqlite3';
import type { Indicator } from '../indicators/catalogue.ts';
import { indicatorSeries } from '../indicators/series.ts';
import { serviceMonthSums, totalsByService } from '../indicators/service-sums.ts';
import type { Locality, LocalityRegistry } from '../localities/registry.ts';
import { type Month, addMonths, monthIndex } from '../months.ts';
import { listServices } from '../services.ts';
import { type RuleScope, SPAN, W_FROM, figures } from './rules.ts';

/**
 * What a target set on another indicator than online_rate is judged on: the indicator's numerator
 * and denominator per month over the SPAN months ending at `to` (db/indicators/series.ts: a
 * dossier indicator over only the rows that reported its measure), laid out as the online counts
 * of a scope so that the target rule reads them the same way. A month without a reported row of
 * the measure has no rate: not reported is not zero.
 *
 * A services indicator (how many services meet a test) has its 12-month value counted over the
 * window as a whole, as the API's buckets do; its monthly values give the trend.
 */
export function indicatorTargetScope(
  sqlite: Database.Database,
  registry: LocalityRegistry,
  indicator: Indicator,
  q: { locality: Locality; serviceId: number | null; to: Month; today: Month },
): Pick<RuleScope, 'fig' | 'series'> {
  const first = addMonths(q.to, -(SPAN - 1));
  const buckets = indicatorSeries(sqlite, registry, indicator, { serviceId: q.serviceId, locality: q.locality, from: first, to: q.to, granularity: 'month', today: q.today });
  const series = { online: new Float64Array(SPAN), total: new Float64Array(SPAN), has: new Uint8Array(SPAN), at: 0 };
  const base = monthIndex(first);
  for (const b of buckets) {
    const k = monthIndex(b.first_month) - base;
    if (k < 0 || k >= SPAN) continue;
    series.online[k] = b.numerator;
    series.total[k] = b.denominator;
    series.has[k] = 1;
  }
  const fig = figures(series);
  if (indicator.counts !== 'services') return { series, fig };
  const from = addMonths(first, W_FROM);
  const services = listServices(sqlite).filter((s) => q.serviceId === null || s.id === q.serviceId);
  const sums = totalsByService(serviceMonthSums(sqlite, registry, { locality: q.locality, from, to: q.to, serviceIds: q.serviceId === null ? null : [q.serviceId] }));
  const { numerator, denominator } = indicator.ratio({ services, sums, month: q.to });
  return { series, fig: { ...fig, rate12: denominator > 0 ? numerator / denominator : null } };
}
