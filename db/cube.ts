import type Database from 'better-sqlite3';
import { type UnitsByMonth, addUnit } from './coverage.ts';
import { type Locality, localityRegistry } from './localities/registry.ts';
import { type Month, addMonths, monthIndex } from './months.ts';
import { type Service, listServices } from './services.ts';
import type { MonthSums, ServiceAreaSums } from './stats.ts';

/** A run of one cell's months in the cube's arrays, from `at`. */
export interface Series {
  online: Float64Array;
  total: Float64Array;
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
  online: Float64Array;
  total: Float64Array;
  has: Uint8Array;
  /** The newest batch the counts include. */
  seenBatch: number;
}

/** More changed area-months than this after a batch and a cube reloads whole instead. */
const MAX_CELLS_TO_REFRESH = 64;

const byCode = <T extends { code: string }>(a: T, b: T) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/**
 * The rollups in memory: counts per service × area × month in dense arrays (in today's
 * boundaries, like rollup_service_area). Reading millions of rollup rows costs seconds; a warm
 * cube follows each batch by re-reading only the area-months it changed (rollup_area.changed_in).
 * The arrays sit on SharedArrayBuffers so that worker threads read them without a copy.
 */
export class RollupCube {
  readonly serviceIndex: Map<number, number>;
  readonly areaIndex: Map<number, number>;

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
  static load(sqlite: Database.Database, today: Month, range?: { from: Month; to: Month }): RollupCube {
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
    const cube = new RollupCube({
      services,
      areas,
      first: span.from,
      months,
      online: new Float64Array(new SharedArrayBuffer(size * 8)),
      total: new Float64Array(new SharedArrayBuffer(size * 8)),
      has: new Uint8Array(new SharedArrayBuffer(size)),
      seenBatch: newestBatch(sqlite),
    });
    cube.fill(sqlite, span.from, span.to);
    return cube;
  }

  /**
   * This cube brought up to date with the database: the same cube with the area-months changed
   * since it was read re-read, or a new one when the services, provinces or months changed shape.
   */
  refreshed(sqlite: Database.Database, today: Month): RollupCube {
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
    if (!sameShape || changed.length > MAX_CELLS_TO_REFRESH) return RollupCube.load(sqlite, today);
    // Same ids, same order (codes do not change), but names and online dates may have.
    this.state.services = services;
    const reread = sqlite.prepare(
      `SELECT r.service_id, r.online_count, r.total_count FROM services s CROSS JOIN rollup_service_area r
       ON r.service_id = s.id AND r.period = ? AND r.area_id = ? WHERE r.self_rows + r.sub_rows > 0`,
    );
    for (const { areaId, period } of changed) {
      const a = this.areaIndex.get(areaId)!;
      const m = this.monthOffset(period);
      for (let s = 0; s < this.state.services.length; s++) this.set(s, a, m, 0, 0, 0);
      for (const [serviceId, online, total] of reread.raw(true).iterate(period, areaId) as IterableIterator<[number, number, number]>) {
        const s = this.serviceIndex.get(serviceId);
        if (s !== undefined) this.set(s, a, m, online, total, 1);
      }
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

  /** Where `month` sits on the month axis (may be outside it). */
  monthOffset(month: Month): number {
    return monthIndex(month) - monthIndex(this.state.first);
  }

  /** One service × area's months, starting at `from`. */
  cell(s: number, a: number, from: Month = this.state.first): Series {
    const { online, total, has, months } = this.state;
    return { online, total, has, at: (s * this.state.areas.length + a) * months + this.monthOffset(from) };
  }

  /** Monthly national sums per service id, months with a reported row only (the API's rule), and the areas that reported each month. */
  monthlyByService(): Map<number, { months: MonthSums[]; units: UnitsByMonth }> {
    const { services, areas, months, online, total, has } = this.state;
    const out = new Map<number, { months: MonthSums[]; units: UnitsByMonth }>();
    const sumOnline = new Float64Array(months);
    const sumTotal = new Float64Array(months);
    const any = new Uint8Array(months);
    const periods = Array.from({ length: months }, (_, m) => addMonths(this.state.first, m));
    for (let s = 0; s < services.length; s++) {
      sumOnline.fill(0);
      sumTotal.fill(0);
      any.fill(0);
      const units: UnitsByMonth = new Map();
      for (let a = 0; a < areas.length; a++) {
        const at = (s * areas.length + a) * months;
        for (let m = 0; m < months; m++) {
          if (has[at + m] !== 1) continue;
          sumOnline[m] = sumOnline[m]! + online[at + m]!;
          sumTotal[m] = sumTotal[m]! + total[at + m]!;
          any[m] = 1;
          addUnit(units, periods[m]!, areas[a]!.id);
        }
      }
      const list: MonthSums[] = [];
      for (let m = 0; m < months; m++) if (any[m] === 1) list.push({ period: periods[m]!, online: sumOnline[m]!, total: sumTotal[m]! });
      if (list.length > 0) out.set(services[s]!.id, { months: list, units });
    }
    return out;
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

  private set(s: number, a: number, m: number, online: number, total: number, has: number): void {
    const i = (s * this.state.areas.length + a) * this.state.months + m;
    this.state.online[i] = online;
    this.state.total[i] = total;
    this.state.has[i] = has;
  }

  /**
   * One row per service, its cells packed as "area,period,online,total,...": building millions
   * of JavaScript rows costs more than SQLite's strings and one split per service.
   */
  private fill(sqlite: Database.Database, from: Month, to: Month): void {
    const packed = sqlite
      .prepare(
        `SELECT r.service_id, group_concat(r.area_id || ',' || r.period || ',' || r.online_count || ',' || r.total_count)
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
      for (let j = 0; j + 3 < parts.length; j += 4) {
        const a = this.areaIndex.get(Number(parts[j]));
        if (a !== undefined) this.set(s, a, offset(parts[j + 1]!), Number(parts[j + 2]), Number(parts[j + 3]), 1);
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
