/**
 * The optional measures on the site's charts: the end-to-end share (end-to-end ÷ all dossiers) and
 * the online-payment share (paid online ÷ fee-bearing), each summed over only the rows that
 * reported it (db/indicators/measures.ts names the columns), with who reported it, as the API's
 * adoption?indicator= gives them: the areas' and units' from the rollups, the services' from the
 * cube. A measure nobody reported has no series at all.
 */
import type Database from 'better-sqlite3';
import { type Granularity, toBuckets } from '../../db/adoption.ts';
import { type CoverageSource, type UnitsByMonth, addUnit } from '../../db/coverage.ts';
import type { CubeMeasure, ServiceMonths } from '../../db/cube.ts';
import { MEASURES, type Measure } from '../../db/indicators/measures.ts';
import type { LocalityRegistry } from '../../db/localities/registry.ts';
import type { Month } from '../../db/months.ts';
import type { MonthSums } from '../../db/stats.ts';
import { MEASURE_KEYS, type MeasureKey, type MeasurePoint, type MeasureSeries, type SeriesMeasures } from '../../web/model.ts';

/** Each chart measure's columns, and the indicator of the catalogue it is. */
export const CHART_MEASURES: Record<MeasureKey, { measure: Measure; indicator: string }> = {
  end_to_end: { measure: MEASURES.end_to_end, indicator: 'end_to_end_rate' },
  online_payment: { measure: MEASURES.paid_online, indicator: 'online_payment_rate' },
};

/** A measure's monthly sums (online = its numerator, total = its denominator), months with a reporting row only. */
export type MeasureMonths = Partial<Record<MeasureKey, MonthSums[]>>;
/** Per measure, the units that reported it each month. */
export type MeasureUnits = Partial<Record<MeasureKey, UnitsByMonth>>;

/** What the measure series are derived from: plain data, posted to the page thread with the other inputs. */
export interface MeasureInputs {
  /** Per area (a current province, or VN for the country's own rows), from rollup_area. */
  byArea: Map<number, MeasureMonths>;
  /** Per area, the localities (rollup_unit) that reported each measure, for the provinces' coverage. */
  unitsByArea: Map<number, MeasureUnits>;
}

const push = <T>(list: T[] | undefined, value: T): T[] => (list ? (list.push(value), list) : [value]);

/** The columns of one measure in a rollup row, and whether the row reported it. */
function columns(table: 'area' | 'unit'): string {
  return MEASURE_KEYS.map((key) => {
    const m = CHART_MEASURES[key].measure;
    return `${m.rollup.numerator}, ${m.rollup.denominator}, ${table === 'area' ? m.areaRows : m.unitRows}`;
  }).join(', ');
}

/** Any measure reported in a rollup row. */
const anyReported = (table: 'area' | 'unit') => MEASURE_KEYS.map((key) => `${table === 'area' ? CHART_MEASURES[key].measure.areaRows : CHART_MEASURES[key].measure.unitRows} > 0`).join(' OR ');

/** A service's measures as the chart keys name them, from the cube's national months of the service. */
export function serviceMeasures(entry: ServiceMonths): { months: MeasureMonths; units: MeasureUnits } {
  const months: MeasureMonths = {};
  const units: MeasureUnits = {};
  for (const key of MEASURE_KEYS) {
    const m = entry.measures[CHART_MEASURES[key].measure.id as CubeMeasure];
    if (m) (months[key] = m.months), (units[key] = m.units);
  }
  return { months, units };
}

/**
 * Reads the measures of every area and unit (the services' are in the cube). Run it in the build's
 * read transaction. The rollups are read where some row reported a measure: before any did, this
 * costs a scan and nothing more.
 */
export function readMeasures(sqlite: Database.Database, registry: LocalityRegistry): MeasureInputs {
  const byArea = new Map<number, MeasureMonths>();
  for (const row of sqlite.prepare(`SELECT area_id, period, ${columns('area')} FROM rollup_area WHERE ${anyReported('area')} ORDER BY area_id, period`).raw(true).iterate() as IterableIterator<number[]>) {
    const area = row[0]!;
    const period = row[1] as unknown as Month;
    let months = byArea.get(area);
    if (!months) byArea.set(area, (months = {}));
    MEASURE_KEYS.forEach((key, i) => {
      if (row[4 + 3 * i]! > 0) months![key] = push(months![key], { period, online: row[2 + 3 * i]!, total: row[3 + 3 * i]! });
    });
  }

  const unitsByArea = new Map<number, MeasureUnits>();
  for (const row of sqlite.prepare(`SELECT locality_id, period, ${columns('unit')} FROM rollup_unit WHERE ${anyReported('unit')}`).raw(true).iterate() as IterableIterator<number[]>) {
    const id = row[0]!;
    const period = row[1] as unknown as Month;
    const area = registry.areaOf(registry.get(id));
    let units = unitsByArea.get(area);
    if (!units) unitsByArea.set(area, (units = {}));
    MEASURE_KEYS.forEach((key, i) => {
      if (row[4 + 3 * i]! > 0) addUnit((units![key] ??= new Map()), period, id);
    });
  }
  return { byArea, unitsByArea };
}

const toPoint = ({ online_count, total_count, period, rate, coverage, complete, first_month, last_month, months }: ReturnType<typeof toBuckets>[number], granularity: Granularity): MeasurePoint => ({
  period,
  numerator: online_count,
  denominator: total_count,
  rate,
  coverage,
  complete,
  ...(granularity === 'month' ? {} : { first_month, last_month, months }),
});

/** One measure's monthly and yearly buckets, with coverage as the online series has it. */
export function measureSeries(months: MonthSums[], coverage: CoverageSource): MeasureSeries {
  return { monthly: toBuckets(months, 'month', coverage).map((b) => toPoint(b, 'month')), yearly: toBuckets(months, 'year', coverage).map((b) => toPoint(b, 'year')) };
}

/** A series' measures: those reported, each with its own coverage; undefined when none was. */
export function seriesMeasures(months: MeasureMonths | undefined, coverage: (key: MeasureKey) => CoverageSource): SeriesMeasures | undefined {
  if (!months) return undefined;
  const out: SeriesMeasures = {};
  for (const key of MEASURE_KEYS) {
    const list = months[key];
    if (list && list.length > 0) out[key] = measureSeries(list, coverage(key));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Adds monthly sums into one series per month (the country from its areas, a commune from its old communes). */
export function addSums(target: Map<Month, { online: number; total: number }>, months: MonthSums[]): void {
  for (const m of months) {
    const s = target.get(m.period);
    if (s) (s.online += m.online), (s.total += m.total);
    else target.set(m.period, { online: m.online, total: m.total });
  }
}

export const sortedMonths = (sums: Map<Month, { online: number; total: number }>): MonthSums[] =>
  [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([period, s]) => ({ period, ...s }));

/** The country's measures: every area's sums added up; its units are the areas that reported. */
export function nationalMeasureMonths(byArea: Map<number, MeasureMonths>): { months: MeasureMonths; units: MeasureUnits } {
  const months: MeasureMonths = {};
  const units: MeasureUnits = {};
  for (const key of MEASURE_KEYS) {
    const sums = new Map<Month, { online: number; total: number }>();
    const reported: UnitsByMonth = new Map();
    for (const [area, m] of byArea) {
      const list = m[key];
      if (!list) continue;
      addSums(sums, list);
      for (const x of list) addUnit(reported, x.period, area);
    }
    if (sums.size > 0) {
      months[key] = sortedMonths(sums);
      units[key] = reported;
    }
  }
  return { months, units };
}
