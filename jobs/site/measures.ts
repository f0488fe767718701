/**
 * The optional measures on the site's charts: the end-to-end share (end-to-end ÷ all dossiers) and
 * the online-payment share (paid online ÷ fee-bearing), each summed over only the rows that
 * reported it (db/indicators/measures.ts names the columns), with who reported it, as the API's
 * adoption?indicator= gives them. A measure nobody reported has no series at all.
 */
import type Database from 'better-sqlite3';
import { type Granularity, toBuckets } from '../../db/adoption.ts';
import { type CoverageSource, type UnitsByMonth, addUnit } from '../../db/coverage.ts';
import { MEASURES, MEASURE_SUMS, MEASURE_SUM_COLUMNS, type Measure, type MeasureSums } from '../../db/indicators/measures.ts';
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
  /** Per service, nationwide: its sums (rollup_service_area) and the areas that reported. */
  byService: Map<number, ServiceEntry>;
}

/** A service's measure sums in a month, nationwide, for the indicators that count services. */
export interface ServiceMeasureMonth extends MeasureSums {
  period: Month;
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

/** A service's national measure sums in a month, with the areas that reported each measure. */
type ServiceEntry = { months: MeasureMonths; units: MeasureUnits; sums: ServiceMeasureMonth[] };

/**
 * Each service's national measure sums, kept by a long-lived builder between builds: after a
 * batch only the months it changed (rollup_area.changed_in) are read again, each by the primary
 * key, as the cube does for the online counts. Reading them all again cost 0.18 s a build on the
 * demo, most of it turning 200,000 rows into each service's months and reporting areas.
 */
export interface MeasureCache {
  seenBatch: number;
  /** The services it was read for: a new service reads everything again. */
  services: string;
  byService: Map<number, ServiceEntry>;
}

export const emptyMeasureCache = (): MeasureCache => ({ seenBatch: -1, services: '', byService: new Map() });

/** More changed months than this after a batch and the services' measures are read whole again. */
const MAX_MONTHS_TO_REFRESH = 24;

/** Puts (or, with null, takes out) a month's item in a list kept in month order; undefined when the list is left empty. */
function putMonth<T extends { period: string }>(list: T[] | undefined, period: string, item: T | null): T[] | undefined {
  const out = list ?? [];
  let lo = 0;
  let hi = out.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (out[mid]!.period < period) lo = mid + 1;
    else hi = mid;
  }
  const found = lo < out.length && out[lo]!.period === period;
  if (item) {
    if (found) out[lo] = item;
    else out.splice(lo, 0, item);
  } else if (found) out.splice(lo, 1);
  return out.length > 0 ? out : undefined;
}

/** A month of every service, out of the cache. */
function dropMonth(cache: MeasureCache, period: Month): void {
  for (const entry of cache.byService.values()) {
    for (const key of MEASURE_KEYS) {
      const list = putMonth(entry.months[key], period, null);
      if (list) entry.months[key] = list;
      else delete entry.months[key];
      entry.units[key]?.delete(period);
    }
    entry.sums = putMonth(entry.sums, period, null) ?? [];
  }
}

const e2e = MEASURES.end_to_end;
const paid = MEASURES.paid_online;
/**
 * Each service's national sums by month, grouped in SQLite with the reporting areas as text:
 * fetching 200,000 rows one by one cost 0.3-0.4 s on the demo, these 6,000 groups 0.07-0.09 s.
 */
const SERVICE_MONTHS = `SELECT r.service_id, r.period, ${MEASURE_SUM_COLUMNS.map((c) => `sum(r.${c})`).join(', ')},
  group_concat(CASE WHEN r.${e2e.areaRows} > 0 THEN r.area_id END), group_concat(CASE WHEN r.${paid.areaRows} > 0 THEN r.area_id END)`;
const REPORTED = `(r.${e2e.areaRows} > 0 OR r.${paid.areaRows} > 0)`;

/** Adds the rows of SERVICE_MONTHS to the cache. */
function addServiceMonths(cache: MeasureCache, rows: IterableIterator<Array<number | string | null>>): void {
  // Most months of most services were reported by the same areas: one Set per distinct list, shared
  // (read only), and shared again in the copy a page thread receives. A Set per service and month
  // was 320 MB at 1,000 services × 57 areas × 82 months, and that much again in each thread.
  const interned = new Map<string, Set<number>>();
  const areasOf = (text: string | number | null | undefined) => {
    const key = text === null || text === undefined ? '' : String(text);
    let set = interned.get(key);
    if (!set) interned.set(key, (set = new Set(key === '' ? [] : key.split(',').map(Number))));
    return set;
  };
  const n = 2 + MEASURE_SUMS.length;
  for (const row of rows) {
    const serviceId = row[0] as number;
    const period = row[1] as Month;
    let entry = cache.byService.get(serviceId);
    if (!entry) cache.byService.set(serviceId, (entry = { months: {}, units: {}, sums: [] }));
    const month = { period } as ServiceMeasureMonth;
    MEASURE_SUMS.forEach((k, i) => (month[k] = row[2 + i] as number));
    entry.sums = putMonth(entry.sums, period, month)!;
    if (month.endToEndRows > 0) {
      entry.months.end_to_end = putMonth(entry.months.end_to_end, period, { period, online: month.endToEnd, total: month.endToEndBase });
      (entry.units.end_to_end ??= new Map()).set(period, areasOf(row[n]));
    }
    if (month.paidOnlineRows > 0) {
      entry.months.online_payment = putMonth(entry.months.online_payment, period, { period, online: month.paidOnline, total: month.paidOnlineBase });
      (entry.units.online_payment ??= new Map()).set(period, areasOf(row[n + 1]));
    }
  }
}

/** The services' measures brought up to date: the months a batch changed read again, or everything when much changed. */
function refreshServiceMeasures(sqlite: Database.Database, cache: MeasureCache): Map<number, ServiceEntry> {
  const latest = (sqlite.prepare('SELECT coalesce(max(id), 0) FROM batches').pluck().get() as number) ?? 0;
  const services = (sqlite.prepare('SELECT group_concat(id) FROM (SELECT id FROM services ORDER BY id)').pluck().get() as string | null) ?? '';
  if (cache.seenBatch >= 0 && cache.services === services) {
    if (latest === cache.seenBatch) return cache.byService;
    const changed = sqlite.prepare('SELECT DISTINCT period FROM rollup_area WHERE changed_in > ?').pluck().all(cache.seenBatch) as Month[];
    if (changed.length <= MAX_MONTHS_TO_REFRESH) {
      // By the primary key (service, period): one month of every service, not the whole table.
      const month = sqlite.prepare(`${SERVICE_MONTHS} FROM services s CROSS JOIN rollup_service_area r ON r.service_id = s.id AND r.period = ? WHERE ${REPORTED} GROUP BY r.service_id`).raw(true);
      for (const period of changed) {
        dropMonth(cache, period);
        addServiceMonths(cache, month.iterate(period) as IterableIterator<Array<number | string | null>>);
      }
      cache.seenBatch = latest;
      return cache.byService;
    }
  }
  cache.byService = new Map();
  // In the primary key's order (service, period): grouped as it streams, no sort.
  addServiceMonths(cache, sqlite.prepare(`${SERVICE_MONTHS} FROM rollup_service_area r WHERE ${REPORTED} GROUP BY r.service_id, r.period`).raw(true).iterate() as IterableIterator<Array<number | string | null>>);
  cache.seenBatch = latest;
  cache.services = services;
  return cache.byService;
}

/**
 * Reads the measures of every area, unit and service (the services' from the cache, brought up
 * to date). Run it in the build's read transaction. The rollups are read where some row reported
 * a measure: before any did, this costs a scan and nothing more.
 */
export function readMeasures(sqlite: Database.Database, registry: LocalityRegistry, cache: MeasureCache = emptyMeasureCache()): MeasureInputs {
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
  return { byArea, unitsByArea, byService: refreshServiceMeasures(sqlite, cache) };
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
