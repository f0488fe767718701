import type Database from 'better-sqlite3';
import { type UnitsByMonth, unchanging } from './coverage.ts';
import { DOSSIER_SUMS, MEASURES, MEASURE_SUMS, MEASURE_SUM_COLUMNS } from './indicators/measures.ts';
import type { ServiceSums } from './indicators/service-sums.ts';
import { type Locality, localityRegistry } from './localities/registry.ts';
import { type Month, addMonths, monthIndex } from './months.ts';
import { type Service, listServices } from './services.ts';
import type { MonthSums, ServiceAreaSums } from './stats.ts';

/**
 * The cube's counts: 32 bits each, a third of the memory of doubles. A sum beyond that (a row may
 * count up to a billion dossiers) makes the cube hold doubles instead (see TooWide).
 */
export type Counts = Uint32Array | Float64Array;
const UINT32_MAX = 0xffffffff;

/** A value did not fit a cube of 32-bit counts: it is read again with doubles. */
class TooWide extends Error {}

/** A run of one cell's months in the cube's arrays, from `at`. */
export interface Series {
  online: Counts;
  total: Counts;
  /** 1 where the month has a reported row. */
  has: Uint8Array;
  at: number;
}

/** What a cube is made of, as plain data: it can be posted to a worker thread, the arrays shared. */
export interface CubeState {
  services: Service[];
  /** Current provinces by code, then the country (rows reported for VN itself). */
  areas: Locality[];
  first: Month;
  months: number;
  online: Counts;
  total: Counts;
  has: Uint8Array;
  /** Per cell, the optional measures' sums (DOSSIER_SUMS, in that order), each over the rows that reported it. */
  measures: Counts;
  /** Per cell, the MEASURED bits of the measures some row reported, and the EVERY_ROW bits of those every row reported. */
  measured: Uint8Array;
  /** Per cell, its rows (a province's own, its communes'): 16 bits, doubles in a wide cube. */
  rows: Uint16Array | Float64Array;
  /** The newest batch the counts include. */
  seenBatch: number;
  /** Read over every month with data: any month outside it has none. */
  whole: boolean;
}

/** The optional measures a cell carries, and their bit in `measured`. */
export const MEASURED = { end_to_end: 1, paid_online: 2 } as const;
/** A measure that every row of a cell reported (the watch list reads only such months: db/watch/measure-sums.ts). */
export const EVERY_ROW = { end_to_end: 4, paid_online: 8 } as const;
export type CubeMeasure = keyof typeof MEASURED;
const CUBE_MEASURES = Object.keys(MEASURED) as CubeMeasure[];
const SUMS = DOSSIER_SUMS.length;
// serviceSums and nationalSums spell the order out, for speed: it must be this one.
if (DOSSIER_SUMS.join() !== 'endToEnd,endToEndBase,paidOnline,paidOnlineBase') throw new Error('cube.ts: DOSSIER_SUMS changed order');
/** Each measure's bit and where its numerator and denominator sit among a cell's sums. */
export interface MeasureCell {
  id: CubeMeasure;
  bit: number;
  numerator: number;
  denominator: number;
}
export const MEASURE_CELLS: MeasureCell[] = CUBE_MEASURES.map((id) => ({
  id,
  bit: MEASURED[id],
  numerator: DOSSIER_SUMS.indexOf(MEASURES[id].sums.numerator as (typeof DOSSIER_SUMS)[number]),
  denominator: DOSSIER_SUMS.indexOf(MEASURES[id].sums.denominator as (typeof DOSSIER_SUMS)[number]),
}));

/** A cell as SQL gives it, after its key: online, total, the DOSSIER_SUMS, the MEASURED and EVERY_ROW bits, its rows. */
const CELL_VALUES = [
  'r.online_count',
  'r.total_count',
  ...DOSSIER_SUMS.map((k) => `r.${MEASURE_SUM_COLUMNS[MEASURE_SUMS.indexOf(k)]}`),
  `(${CUBE_MEASURES.map((id) => `${MEASURED[id]} * (r.${MEASURES[id].areaRows} > 0) + ${EVERY_ROW[id]} * (r.${MEASURES[id].areaRows} > 0 AND r.${MEASURES[id].areaRows} = r.self_rows + r.sub_rows)`).join(' + ')})`,
  'r.self_rows + r.sub_rows',
];
const CELL_WIDTH = CELL_VALUES.length;

/** A service's national months with its measures: each measure's sums and who reported it, months with a reporting area only. */
export interface ServiceMonths {
  months: MonthSums[];
  units: UnitsByMonth;
  measures: Partial<Record<CubeMeasure, { months: MonthSums[]; units: UnitsByMonth }>>;
}

/** More changed area-months than this after a batch and a cube reloads whole instead. */
const MAX_CELLS_TO_REFRESH = 64;

const byCode = <T extends { code: string }>(a: T, b: T) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/**
 * The rollups in memory: counts and measures per service × area × month in dense arrays (in today's
 * boundaries, like rollup_service_area). Reading millions of rollup rows costs seconds; a warm
 * cube follows each batch by re-reading only the area-months it changed (rollup_area.changed_in).
 * The arrays sit on SharedArrayBuffers so that worker threads read them without a copy.
 */
export class RollupCube {
  readonly serviceIndex: Map<number, number>;
  readonly areaIndex: Map<number, number>;
  /**
   * Each service's national sums per month (online, total, the DOSSIER_SUMS), made on first use
   * and kept: a country's question then reads a thirty-fifth of the cells. `stale` are the months
   * a refresh changed, summed again before the next use.
   */
  private national: { sums: Float64Array; has: Uint8Array; stale: Set<number> } | null = null;

  private constructor(readonly state: CubeState) {
    this.serviceIndex = new Map(state.services.map((s, i) => [s.id, i]));
    this.areaIndex = new Map(state.areas.map((a, i) => [a.id, i]));
  }

  /** A cube over the shared arrays of another (in a worker thread). */
  static fromState(state: CubeState): RollupCube {
    return new RollupCube(state);
  }

  /**
   * Reads the rollups from `from` to `to` (by default every month with data, through `today`).
   * Call it inside a read transaction, with the reads it is combined with.
   */
  static load(sqlite: Database.Database, today: Month, range?: { from: Month; to: Month }, wide = false): RollupCube {
    const registry = localityRegistry(sqlite);
    const provinces = registry
      .at(today)
      .filter((u) => u.level === 'province')
      .sort(byCode);
    const span = range ?? dataSpan(sqlite, today);
    const months = monthIndex(span.to) - monthIndex(span.from) + 1;
    const services = listServices(sqlite).sort(byCode);
    const areas = [...provinces, registry.country];
    const size = services.length * areas.length * months;
    const counts = (n: number): Counts => (wide ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Uint32Array(new SharedArrayBuffer(n * 4)));
    const cube = new RollupCube({
      services,
      areas,
      first: span.from,
      months,
      online: counts(size),
      total: counts(size),
      has: new Uint8Array(new SharedArrayBuffer(size)),
      measures: counts(size * SUMS),
      measured: new Uint8Array(new SharedArrayBuffer(size)),
      rows: wide ? new Float64Array(new SharedArrayBuffer(size * 8)) : new Uint16Array(new SharedArrayBuffer(size * 2)),
      seenBatch: newestBatch(sqlite),
      whole: range === undefined,
    });
    try {
      cube.fill(sqlite, span.from, span.to);
    } catch (e) {
      if (e instanceof TooWide && !wide) return RollupCube.load(sqlite, today, range, true);
      throw e;
    }
    return cube;
  }

  /** Whether its counts are doubles (some sum did not fit in 32 bits, or some cell's rows in 16). */
  get wide(): boolean {
    return this.state.online instanceof Float64Array;
  }

  /**
   * This cube brought up to date with the database: the same cube with the area-months changed
   * since it was read re-read, or a new one when the services, provinces or months changed shape.
   */
  refreshed(sqlite: Database.Database, today: Month): RollupCube {
    return this.refreshedInPlace(sqlite, today) ?? RollupCube.load(sqlite, today, undefined, this.wide);
  }

  /** The same, but null where it must be read whole again (a server does that in a thread: cube-thread.ts). */
  refreshedInPlace(sqlite: Database.Database, today: Month): RollupCube | null {
    const latest = newestBatch(sqlite);
    if (latest === this.state.seenBatch) return this;
    const span = dataSpan(sqlite, today);
    const changed = sqlite.prepare('SELECT area_id AS areaId, period FROM rollup_area WHERE changed_in > ?').all(this.state.seenBatch) as Array<{
      areaId: number;
      period: Month;
    }>;
    const services = listServices(sqlite).sort(byCode);
    const sameShape =
      this.covers(span.from, span.to) &&
      sameIds(services, this.serviceIndex) &&
      changed.every((c) => this.areaIndex.has(c.areaId)) &&
      sameProvinces(sqlite, today, this.state.areas);
    if (!sameShape || changed.length > MAX_CELLS_TO_REFRESH) return null;
    // Same ids, same order (codes do not change), but names and online dates may have.
    this.state.services = services;
    const reread = sqlite.prepare(
      `SELECT r.service_id, ${CELL_VALUES.join(', ')} FROM services s CROSS JOIN rollup_service_area r
       ON r.service_id = s.id AND r.period = ? AND r.area_id = ? WHERE r.self_rows + r.sub_rows > 0`,
    );
    try {
      for (const { areaId, period } of changed) {
        const a = this.areaIndex.get(areaId)!;
        const m = this.monthOffset(period);
        this.national?.stale.add(m);
        for (let s = 0; s < this.state.services.length; s++) this.clear(this.indexOf(s, a, m));
        for (const row of reread.raw(true).iterate(period, areaId) as IterableIterator<number[]>) {
          const s = this.serviceIndex.get(row[0]!);
          if (s !== undefined) this.write(this.indexOf(s, a, m), row, 1);
        }
      }
    } catch (e) {
      // Half re-read: the whole cube is read again (with doubles, as load finds).
      if (e instanceof TooWide) return null;
      throw e;
    }
    this.state.seenBatch = latest;
    return this;
  }

  get services(): Service[] {
    return this.state.services;
  }

  get areas(): Locality[] {
    return this.state.areas;
  }

  /** Whether every month from `from` to `to` is in the cube. */
  covers(from: Month, to: Month): boolean {
    return from >= this.state.first && this.monthOffset(to) < this.state.months;
  }

  /** Whether it can answer for the months from `from` to `to`: it holds them, or holds every month with data. */
  answers(from: Month, to: Month): boolean {
    return this.state.whole || this.covers(from, to);
  }

  /** Where `month` sits on the month axis (may be outside it). */
  monthOffset(month: Month): number {
    return monthIndex(month) - monthIndex(this.state.first);
  }

  /** One service × area's months, starting at `from`. */
  cell(s: number, a: number, from: Month = this.state.first): Series {
    const { online, total, has, months } = this.state;
    return { online, total, has, at: (s * this.state.areas.length + a) * months + this.monthOffset(from) };
  }

  /**
   * Each service's national months (the API's rule: months with a reported row only), the areas
   * that reported each month, and the same for each measure. Identical sets of areas are one
   * shared Set: a Set per service and month is most of the memory otherwise.
   */
  monthlyByService(): Map<number, ServiceMonths> {
    const { services, areas, months, online, total, has, measures, measured } = this.state;
    const out = new Map<number, ServiceMonths>();
    const periods = Array.from({ length: months }, (_, m) => addMonths(this.state.first, m));
    // A set of areas is named by the sum of its areas' powers of two (exact up to 53 areas; more,
    // by their ids): a key built while summing, where joining ids into text cost a third of the time.
    const exact = areas.length <= 53;
    const power = areas.map((_, a) => 2 ** a);
    const interned = new Map<number | string, Set<number>>();
    const setIds = new Map<Set<number>, number>();
    const areasOf = (key: number | string) => {
      let set = interned.get(key);
      if (!set) {
        set = new Set();
        if (typeof key === 'string') for (const a of key.split(',').slice(0, -1)) set.add(areas[Number(a)]!.id);
        else for (let a = 0; a < areas.length; a++) if (Math.floor(key / power[a]!) % 2 === 1) set.add(areas[a]!.id);
        interned.set(key, set);
        setIds.set(set, setIds.size);
      }
      return set;
    };
    // Services reported by the same areas each month share one UnitsByMonth too, which never
    // changes: their coverage is worked out once (coverage.ts).
    const internedUnits = new Map<string, UnitsByMonth>();
    const shared = (units: UnitsByMonth) => {
      const key = [...units].map(([m, set]) => `${m}:${setIds.get(set)}`).join(',');
      let found = internedUnits.get(key);
      if (!found) internedUnits.set(key, (found = unchanging(units)));
      return found;
    };
    const [e2e, paid] = MEASURE_CELLS as [MeasureCell, MeasureCell];
    for (let s = 0; s < services.length; s++) {
      const entry: ServiceMonths = { months: [], units: new Map(), measures: {} };
      for (let m = 0; m < months; m++) {
        let sumOnline = 0;
        let sumTotal = 0;
        let key: number | string = exact ? 0 : '';
        // Per measure: numerator, denominator, key of the areas that reported it.
        let n1 = 0, d1 = 0, n2 = 0, d2 = 0;
        let key1: number | string = exact ? 0 : '';
        let key2: number | string = exact ? 0 : '';
        for (let a = 0; a < areas.length; a++) {
          const i = (s * areas.length + a) * months + m;
          if (has[i] !== 1) continue;
          sumOnline += online[i]!;
          sumTotal += total[i]!;
          // Inline: a helper function here made the whole pass six times slower.
          key = exact ? (key as number) + power[a]! : `${key}${a},`;
          const bits = measured[i]!;
          if (bits === 0) continue;
          if ((bits & e2e.bit) !== 0) {
            n1 += measures[i * SUMS + e2e.numerator]!;
            d1 += measures[i * SUMS + e2e.denominator]!;
            key1 = exact ? (key1 as number) + power[a]! : `${key1}${a},`;
          }
          if ((bits & paid.bit) !== 0) {
            n2 += measures[i * SUMS + paid.numerator]!;
            d2 += measures[i * SUMS + paid.denominator]!;
            key2 = exact ? (key2 as number) + power[a]! : `${key2}${a},`;
          }
        }
        if (key === 0 || key === '') continue;
        const period = periods[m]!;
        entry.months.push({ period, online: sumOnline, total: sumTotal });
        entry.units.set(period, areasOf(key));
        const add = (id: CubeMeasure, k: number | string, n: number, d: number) => {
          if (k === 0 || k === '') return;
          const series = (entry.measures[id] ??= { months: [] as MonthSums[], units: new Map() });
          series.months.push({ period, online: n, total: d });
          series.units.set(period, areasOf(k));
        };
        add(e2e.id, key1, n1, d1);
        add(paid.id, key2, n2, d2);
      }
      if (entry.months.length === 0) continue;
      entry.units = shared(entry.units);
      for (const id of CUBE_MEASURES) if (entry.measures[id]) entry.measures[id]!.units = shared(entry.measures[id]!.units);
      out.set(services[s]!.id, entry);
    }
    return out;
  }

  /**
   * Each service's sums over each range of months, in one area (its index) or, with null, all of
   * them: the services with a reported row only, as the indicators read them.
   */
  serviceSums(area: number | null, ranges: ReadonlyArray<{ from: Month; to: Month }>): Array<Map<number, ServiceSums>> {
    const out: Array<Map<number, ServiceSums>> = [];
    this.eachServiceSums(area, ranges, (_r, sums) => out.push(new Map([...sums].map(([id, x]) => [id, { ...x }]))));
    return out;
  }

  /**
   * The same, range by range, into one map and one object per service that are filled again for
   * each range: read them in `visit`, do not keep them. A province's 82 months made 82,000 objects
   * a question otherwise, and their collection doubled its time.
   */
  eachServiceSums(area: number | null, ranges: ReadonlyArray<{ from: Month; to: Month }>, visit: (range: number, sums: ReadonlyMap<number, ServiceSums>) => void): void {
    const { services, areas, months } = this.state;
    // The country's from the national sums (one row per service and month), an area's from its cells.
    const cells = area === null ? this.nationalSums() : this.state;
    const national = area === null;
    const width = national ? 2 + SUMS : SUMS;
    const values = national ? (cells as { sums: Float64Array }).sums : this.state.measures;
    const { online, total } = this.state;
    const has = cells.has;
    const entries = services.map((s): ServiceSums => ({ serviceId: s.id, online: 0, total: 0, endToEnd: 0, endToEndBase: 0, paidOnline: 0, paidOnlineBase: 0 }));
    const sums = new Map<number, ServiceSums>();
    ranges.forEach((range, r) => {
      const lo = Math.max(0, this.monthOffset(range.from));
      const hi = Math.min(months - 1, this.monthOffset(range.to));
      sums.clear();
      for (let s = 0; s < services.length; s++) {
        const at = national ? s * months : (s * areas.length + area!) * months;
        // Plain locals, not an object's fields by name: ten times quicker at bench scale.
        let any = false;
        let sumOnline = 0;
        let sumTotal = 0;
        let e2e = 0;
        let e2eBase = 0;
        let paid = 0;
        let paidBase = 0;
        for (let i = at + lo; i <= at + hi; i++) {
          if (has[i] !== 1) continue;
          any = true;
          let j = i * width;
          if (national) {
            sumOnline += values[j]!;
            sumTotal += values[j + 1]!;
            j += 2;
          } else {
            sumOnline += online[i]!;
            sumTotal += total[i]!;
          }
          e2e += values[j]!;
          e2eBase += values[j + 1]!;
          paid += values[j + 2]!;
          paidBase += values[j + 3]!;
        }
        if (!any) continue;
        const entry = entries[s]!;
        entry.online = sumOnline;
        entry.total = sumTotal;
        entry.endToEnd = e2e;
        entry.endToEndBase = e2eBase;
        entry.paidOnline = paid;
        entry.paidOnlineBase = paidBase;
        sums.set(entry.serviceId, entry);
      }
      visit(r, sums);
    });
  }

  /** Works out now what the country's questions read (after a load or a batch), so that no question pays for it. */
  prepare(): void {
    this.nationalSums();
  }

  /** The national sums per service and month, summed over the areas where missing or stale. */
  private nationalSums(): { sums: Float64Array; has: Uint8Array } {
    const { services, areas, months, online, total, has, measures } = this.state;
    const width = 2 + SUMS;
    if (!this.national) {
      this.national = { sums: new Float64Array(services.length * months * width), has: new Uint8Array(services.length * months), stale: new Set(Array.from({ length: months }, (_, m) => m)) };
    }
    const { sums, stale } = this.national;
    if (stale.size === 0) return this.national;
    const national = this.national;
    for (let s = 0; s < services.length; s++) {
      for (const m of stale) {
        const into = s * months + m;
        sums.fill(0, into * width, (into + 1) * width);
        national.has[into] = 0;
        for (let a = 0; a < areas.length; a++) {
          const i = (s * areas.length + a) * months + m;
          if (has[i] !== 1) continue;
          national.has[into] = 1;
          sums[into * width] = sums[into * width]! + online[i]!;
          sums[into * width + 1] = sums[into * width + 1]! + total[i]!;
          for (let k = 0; k < SUMS; k++) sums[into * width + 2 + k] = sums[into * width + 2 + k]! + measures[i * SUMS + k]!;
        }
      }
    }
    stale.clear();
    return national;
  }

  /** Sums per service and area over the months from `from` to `to`, for the pairs with any row. */
  windowSums(from: Month, to: Month): ServiceAreaSums[] {
    const { services, areas, months, online, total, has } = this.state;
    const lo = Math.max(0, this.monthOffset(from));
    const hi = Math.min(months - 1, this.monthOffset(to));
    const out: ServiceAreaSums[] = [];
    for (let s = 0; s < services.length; s++) {
      for (let a = 0; a < areas.length; a++) {
        const at = (s * areas.length + a) * months;
        let sumOnline = 0;
        let sumTotal = 0;
        let any = false;
        for (let m = lo; m <= hi; m++) {
          if (has[at + m] !== 1) continue;
          sumOnline += online[at + m]!;
          sumTotal += total[at + m]!;
          any = true;
        }
        if (any) out.push({ serviceId: services[s]!.id, areaId: areas[a]!.id, online: sumOnline, total: sumTotal });
      }
    }
    return out;
  }

  private indexOf(s: number, a: number, m: number): number {
    return (s * this.state.areas.length + a) * this.state.months + m;
  }

  /** Cell `i` from a row of CELL_VALUES starting at `j` (numbers, or the text of fill's split). */
  private write(i: number, v: ArrayLike<number | string>, j: number): void {
    const { state } = this;
    const count = (x: number | string) => {
      const n = Number(x);
      if (n > UINT32_MAX && !this.wide) throw new TooWide();
      return n;
    };
    state.online[i] = count(v[j]!);
    state.total[i] = count(v[j + 1]!);
    for (let k = 0; k < SUMS; k++) state.measures[i * SUMS + k] = count(v[j + 2 + k]!);
    state.measured[i] = Number(v[j + 2 + SUMS]);
    const rows = Number(v[j + 3 + SUMS]);
    if (rows > 0xffff && !this.wide) throw new TooWide();
    state.rows[i] = rows;
    state.has[i] = 1;
  }

  private clear(i: number): void {
    const { state } = this;
    state.online[i] = 0;
    state.total[i] = 0;
    state.measures.fill(0, i * SUMS, (i + 1) * SUMS);
    state.measured[i] = 0;
    state.rows[i] = 0;
    state.has[i] = 0;
  }

  /**
   * One row per service, its cells packed as "area,period,online,total,...": building millions
   * of JavaScript rows costs more than SQLite's strings and one split per service.
   */
  private fill(sqlite: Database.Database, from: Month, to: Month): void {
    const packed = sqlite
      .prepare(
        `SELECT r.service_id, group_concat(r.area_id || ',' || r.period || ',' || ${CELL_VALUES.map((v) => `(${v})`).join(" || ',' || ")})
         FROM services s CROSS JOIN rollup_service_area r ON r.service_id = s.id AND r.period BETWEEN ? AND ?
         WHERE r.self_rows + r.sub_rows > 0 GROUP BY r.service_id`,
      )
      .raw(true)
      .iterate(from, to) as IterableIterator<[number, string]>;
    const offsets = new Map<string, number>();
    const offset = (period: string) => {
      let m = offsets.get(period);
      if (m === undefined) offsets.set(period, (m = this.monthOffset(period)));
      return m;
    };
    for (const [serviceId, text] of packed) {
      const s = this.serviceIndex.get(serviceId);
      if (s === undefined) continue;
      const parts = text.split(',');
      for (let j = 0; j + CELL_WIDTH + 2 <= parts.length; j += CELL_WIDTH + 2) {
        const a = this.areaIndex.get(Number(parts[j]));
        if (a !== undefined) this.write(this.indexOf(s, a, offset(parts[j + 1]!)), parts, j + 2);
      }
    }
  }
}

/** The months a full cube spans: from the first with data through today (or the last with data). */
function dataSpan(sqlite: Database.Database, today: Month): { from: Month; to: Month } {
  const row = sqlite.prepare('SELECT min(period) AS first, max(period) AS last FROM rollup_area').get() as { first: Month | null; last: Month | null };
  const last = row.last !== null && row.last > today ? row.last : today;
  return { from: row.first ?? addMonths(today, -1), to: last };
}

function newestBatch(sqlite: Database.Database): number {
  return (sqlite.prepare('SELECT max(id) AS id FROM batches').get() as { id: number | null }).id ?? 0;
}

function sameIds(services: Service[], index: Map<number, number>): boolean {
  return services.length === index.size && services.every((s) => index.has(s.id));
}

function sameProvinces(sqlite: Database.Database, today: Month, areas: Locality[]): boolean {
  const now = localityRegistry(sqlite)
    .at(today)
    .filter((u) => u.level === 'province');
  return now.length === areas.length - 1 && now.every((p) => areas.some((a) => a.id === p.id));
}
