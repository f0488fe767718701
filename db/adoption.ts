import type Database from 'better-sqlite3';
import { type Coverage, type CoverageSource, LOOKBACK_MONTHS, type UnitsByMonth, addUnit, coverageOf, monthlyCoverage, reportingUnits } from './coverage.ts';
import type { Locality, LocalityRegistry } from './localities/registry.ts';
import { MEASURES, type Measure } from './indicators/measures.ts';
import { type Month, addMonths, currentMonth } from './months.ts';

export type Granularity = 'month' | 'quarter' | 'year';

export interface Bucket {
  period: string;
  first_month: string;
  last_month: string;
  /** Months in the bucket that have data. */
  months: number;
  online_count: number;
  total_count: number;
  rate: number | null;
  coverage: Coverage;
  complete: boolean;
}

export interface AdoptionQuery {
  serviceId: number | null;
  locality: Locality;
  from?: Month;
  to?: Month;
  granularity: Granularity;
  /** The numbers as they stood right after this batch: archived embeds never change. */
  asOfBatch?: number;
  /** The current month (never complete); by default the real one. */
  today?: Month;
  /** What is divided: online ÷ total by default, or another measure over the rows that reported it. */
  measure?: Measure;
}

interface MonthSum {
  period: string;
  online: number;
  total: number;
}

/** Σonline / Σtotal, to four decimals; null when nothing was counted. Never a mean of rates. */
export function rateOf(online: number, total: number): number | null {
  return total === 0 ? null : Math.round((online / total) * 10_000) / 10_000;
}

const EARLIEST = '0000-00';
const LATEST = '9999-99';

/**
 * Monthly sums for a service (or all) in a locality, in today's boundaries: a current
 * province includes the old provinces merged into it. The country and current provinces
 * read the area rollups; communes and units that no longer exist their unit sums, or the rows of one service.
 */
function monthlySums(sqlite: Database.Database, registry: LocalityRegistry, q: AdoptionQuery): MonthSum[] {
  const range = [q.from ?? EARLIEST, q.to ?? LATEST];
  const unit = q.locality;
  const m = q.measure ?? MEASURES.online;
  const sums = `sum(${m.rollup.numerator}) AS online, sum(${m.rollup.denominator}) AS total`;
  const hasRows = `HAVING sum(${m.areaRows}) > 0`;
  if (unit.level === 'country') {
    return q.serviceId === null
      ? (sqlite.prepare(`SELECT period, ${sums} FROM rollup_area WHERE period BETWEEN ? AND ? GROUP BY period ${hasRows} ORDER BY period`).all(...range) as MonthSum[])
      : (sqlite
          .prepare(`SELECT period, ${sums} FROM rollup_service_area WHERE service_id = ? AND period BETWEEN ? AND ? GROUP BY period ${hasRows} ORDER BY period`)
          .all(q.serviceId, ...range) as MonthSum[]);
  }
  if (unit.level === 'province' && unit.successorId === null) {
    return q.serviceId === null
      ? (sqlite.prepare(`SELECT period, ${sums} FROM rollup_area WHERE area_id = ? AND period BETWEEN ? AND ? GROUP BY period ${hasRows} ORDER BY period`).all(unit.id, ...range) as MonthSum[])
      : (sqlite
          .prepare(`SELECT period, ${sums} FROM rollup_service_area WHERE service_id = ? AND area_id = ? AND period BETWEEN ? AND ? GROUP BY period ${hasRows} ORDER BY period`)
          .all(q.serviceId, unit.id, ...range) as MonthSum[]);
  }
  const ids = unitsOf(registry, unit)!;
  const inList = ids.map(() => '?').join(',');
  // All services of a commune (or a past unit) from its unit sums; one service from its rows.
  return (
    q.serviceId === null
      ? sqlite
          .prepare(`SELECT period, ${sums} FROM rollup_unit WHERE locality_id IN (${inList}) AND period BETWEEN ? AND ? AND ${m.unitRows} > 0 GROUP BY period ORDER BY period`)
          .all(...ids, ...range)
      : sqlite
          .prepare(
            `SELECT period, sum(${m.rows.numerator}) AS online, sum(${m.rows.denominator}) AS total FROM observations
             WHERE locality_id IN (${inList}) AND service_id = ? AND period BETWEEN ? AND ? AND ${m.rows.reported} GROUP BY period ORDER BY period`,
          )
          .all(...ids, q.serviceId, ...range)
  ) as MonthSum[];
}

export function bucketOf(month: Month, granularity: Granularity): string {
  if (granularity === 'month') return month;
  if (granularity === 'year') return month.slice(0, 4);
  return `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;
}

/** Groups monthly sums into buckets that say which months with data they cover, and who reported. */
export function toBuckets(months: MonthSum[], granularity: Granularity, coverage: CoverageSource): Bucket[] {
  const buckets: Bucket[] = [];
  for (const m of months) {
    const period = bucketOf(m.period, granularity);
    let b = buckets[buckets.length - 1];
    if (!b || b.period !== period) {
      b = { period, first_month: m.period, last_month: m.period, months: 0, online_count: 0, total_count: 0, rate: null, coverage: { reporting: 0, expected: 0 }, complete: false };
      buckets.push(b);
    }
    b.last_month = m.period;
    b.months++;
    b.online_count += m.online;
    b.total_count += m.total;
  }
  const monthly = granularity === 'month' ? monthlyCoverage(buckets.map((b) => b.first_month), coverage) : null;
  for (const b of buckets) {
    b.rate = rateOf(b.online_count, b.total_count);
    Object.assign(b, monthly?.get(b.first_month) ?? coverageOf(b.first_month, b.last_month, granularity, coverage));
  }
  return buckets;
}

/** Units whose rows make up a locality's figures in today's boundaries; null = all (the country). */
function unitsOf(registry: LocalityRegistry, unit: Locality): number[] | null {
  return unit.level === 'country' ? null : registry.memberIds(unit);
}

/**
 * Monthly sums as they stood right after batch `asOfBatch`: for each key, the current row if
 * a batch up to then sent it, else the revision that was current then. Batch ids only grow,
 * so the answer for a given batch never changes.
 */
function asOfRows(registry: LocalityRegistry, q: AdoptionQuery & { asOfBatch: number }, range: [Month, Month]): { union: string; params: unknown[] } {
  const units = unitsOf(registry, q.locality);
  const filters = ['period BETWEEN ? AND ?'];
  const params: unknown[] = [...range];
  if (units) {
    filters.push(`locality_id IN (${units.map(() => '?').join(',')})`);
    params.push(...units);
  }
  if (q.serviceId !== null) {
    filters.push('service_id = ?');
    params.push(q.serviceId);
  }
  const m = q.measure ?? MEASURES.online;
  filters.push(m.rows.reported);
  const where = filters.join(' AND ');
  const columns = `locality_id, period, ${m.rows.numerator} AS online_count, ${m.rows.denominator} AS total_count`;
  return {
    union: `SELECT ${columns} FROM observations WHERE batch_id <= ? AND ${where}
            UNION ALL
            SELECT ${columns} FROM observation_revisions WHERE batch_id <= ? AND superseded_by > ? AND ${where}`,
    params: [q.asOfBatch, ...params, q.asOfBatch, q.asOfBatch, ...params],
  };
}

function monthlySumsAsOf(sqlite: Database.Database, registry: LocalityRegistry, q: AdoptionQuery & { asOfBatch: number }): MonthSum[] {
  const { union, params } = asOfRows(registry, q, [q.from ?? EARLIEST, q.to ?? LATEST]);
  return sqlite.prepare(`SELECT period, sum(online_count) AS online, sum(total_count) AS total FROM (${union}) GROUP BY period ORDER BY period`).all(...params) as MonthSum[];
}

/**
 * Which units reported each month, from the lookback before `from` through `to`: the country's
 * provinces from the area rollups, a locality's units from rollup_unit (or the rows of one
 * service), and a past state from the rows as they stood then.
 */
function reportingUnitsByMonth(sqlite: Database.Database, registry: LocalityRegistry, q: AdoptionQuery): UnitsByMonth {
  const range: [Month, Month] = [q.from ? addMonths(q.from, -LOOKBACK_MONTHS) : EARLIEST, q.to ?? LATEST];
  const { unitOf } = reportingUnits(registry, q.locality);
  const m = q.measure ?? MEASURES.online;
  let pairs: Array<[number, Month]>;
  if (q.asOfBatch !== undefined) {
    const { union, params } = asOfRows(registry, { ...q, asOfBatch: q.asOfBatch }, range);
    pairs = sqlite.prepare(`SELECT DISTINCT locality_id, period FROM (${union})`).raw(true).all(...params) as Array<[number, Month]>;
  } else if (q.locality.level === 'country') {
    const table = q.serviceId === null ? 'rollup_area' : 'rollup_service_area';
    const service = q.serviceId === null ? '' : 'AND service_id = ?';
    pairs = sqlite
      .prepare(`SELECT area_id, period FROM ${table} WHERE period BETWEEN ? AND ? ${service} AND ${m.areaRows} > 0`)
      .raw(true)
      .all(...range, ...(q.serviceId === null ? [] : [q.serviceId])) as Array<[number, Month]>;
    return groupUnits(pairs, (id) => id);
  } else {
    const ids = unitsOf(registry, q.locality)!;
    const inList = ids.map(() => '?').join(',');
    pairs = (
      q.serviceId === null
        ? sqlite.prepare(`SELECT locality_id, period FROM rollup_unit WHERE locality_id IN (${inList}) AND period BETWEEN ? AND ? AND ${m.unitRows} > 0`).raw(true).all(...ids, ...range)
        : sqlite
            .prepare(`SELECT locality_id, period FROM observations WHERE locality_id IN (${inList}) AND service_id = ? AND period BETWEEN ? AND ? AND ${m.rows.reported}`)
            .raw(true)
            .all(...ids, q.serviceId, ...range)
    ) as Array<[number, Month]>;
  }
  return groupUnits(pairs, unitOf);
}

function groupUnits(pairs: Array<[number, Month]>, unitOf: (localityId: number) => number): UnitsByMonth {
  const units: UnitsByMonth = new Map();
  for (const [id, period] of pairs) addUnit(units, period, unitOf(id));
  return units;
}

/** Who reported, for a query's coverage: the units of each month and the rule for which existed. */
function coverageSource(sqlite: Database.Database, registry: LocalityRegistry, q: AdoptionQuery): CoverageSource {
  return { units: reportingUnitsByMonth(sqlite, registry, q), exists: reportingUnits(registry, q.locality).exists, today: q.today ?? currentMonth() };
}

/** One locality's sums over a window of months (from and to given), with who reported in it. */
export function adoptionWindow(sqlite: Database.Database, registry: LocalityRegistry, q: AdoptionQuery & { from: Month; to: Month }): Pick<Bucket, 'online_count' | 'total_count' | 'rate' | 'coverage'> {
  let online = 0;
  let total = 0;
  for (const m of monthlySums(sqlite, registry, q)) (online += m.online), (total += m.total);
  return { online_count: online, total_count: total, rate: rateOf(online, total), coverage: coverageOf(q.from, q.to, 'month', coverageSource(sqlite, registry, q)).coverage };
}

export function adoptionSeries(sqlite: Database.Database, registry: LocalityRegistry, q: AdoptionQuery): Bucket[] {
  const months = q.asOfBatch === undefined ? monthlySums(sqlite, registry, q) : monthlySumsAsOf(sqlite, registry, { ...q, asOfBatch: q.asOfBatch });
  return toBuckets(months, q.granularity, coverageSource(sqlite, registry, q));
}
