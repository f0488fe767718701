/**
 * Every indicator of the catalogue nationwide, month by month, for the open data: the dossier
 * indicators are the series the charts draw; the indicators that count services apply the
 * catalogue's own rule (Indicator.ratio) to each service's national sums of the month, from the
 * cube the build already holds. test/jobs/site/indicators.test.ts holds every month to the API's
 * engine (db/indicators/series.ts).
 */
import { rateOf } from '../../db/adoption.ts';
import { INDICATORS } from '../../db/indicators/catalogue.ts';
import type { ServiceSums } from '../../db/indicators/service-sums.ts';
import type { Month } from '../../db/months.ts';
import type { Service } from '../../db/services.ts';
import { MEASURE_KEYS, type Coverage, type Series } from '../../web/model.ts';
import { CHART_MEASURES } from './measures.ts';

/** One indicator in one month, nationwide. */
export interface IndicatorMonth {
  period: string;
  indicator: string;
  numerator: number;
  denominator: number;
  rate: number | null;
  coverage: Coverage;
  complete: boolean;
}

export interface NationalIndicatorInputs {
  services: Service[];
  /** Each service's national sums in each of these months (the cube's serviceSums). */
  sumsOf: (months: Month[]) => Array<Map<number, ServiceSums>>;
  /** The national series, with its measures. */
  national: Series;
}

/** Rows by month, then in the catalogue's order. */
export function nationalIndicatorSeries(input: NationalIndicatorInputs): IndicatorMonth[] {
  const monthly = input.national.monthly;
  const sums = INDICATORS.some((i) => i.counts === 'services') ? input.sumsOf(monthly.map((p) => p.period)) : [];
  const byIndicator = INDICATORS.map((indicator): Map<string, IndicatorMonth> => {
    const rows = new Map<string, IndicatorMonth>();
    const key = MEASURE_KEYS.find((k) => CHART_MEASURES[k].measure.id === indicator.measure);
    if (indicator.measure === 'online') {
      for (const p of input.national.monthly) rows.set(p.period, { period: p.period, indicator: indicator.id, numerator: p.online_count, denominator: p.total_count, rate: p.rate, coverage: p.coverage, complete: p.complete });
    } else if (key) {
      for (const p of input.national.measures?.[key]?.monthly ?? []) rows.set(p.period, { period: p.period, indicator: indicator.id, numerator: p.numerator, denominator: p.denominator, rate: p.rate, coverage: p.coverage, complete: p.complete });
    } else {
      // As the API: the months of the online series, with its coverage.
      monthly.forEach((p, i) => {
        const { numerator, denominator } = indicator.ratio({ services: input.services, sums: sums[i]!, month: p.period });
        rows.set(p.period, { period: p.period, indicator: indicator.id, numerator, denominator, rate: rateOf(numerator, denominator), coverage: p.coverage, complete: p.complete });
      });
    }
    return rows;
  });
  const periods = [...new Set(byIndicator.flatMap((rows) => [...rows.keys()]))].sort();
  return periods.flatMap((period) => byIndicator.flatMap((rows) => rows.get(period) ?? []));
}
