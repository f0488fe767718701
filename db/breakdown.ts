import type Database from 'better-sqlite3';
import { type Bucket, adoptionWindow, rateOf } from './adoption.ts';
import { LOOKBACK_MONTHS, type UnitsByMonth, addUnit, coverageOf } from './coverage.ts';
import type { Locality, LocalityRegistry } from './localities/registry.ts';
import { type Month, addMonths } from './months.ts';
import { listServices } from './services.ts';
import type { Texts } from './ingest/types.ts';

export type BreakdownBy = 'province' | 'commune' | 'service';

export interface BreakdownRow extends Pick<Bucket, 'online_count' | 'total_count' | 'rate' | 'coverage'> {
  code: string;
  name: string;
}

export interface BreakdownQuery {
  locality: Locality;
  by: BreakdownBy;
  serviceId: number | null;
  from: Month;
  to: Month;
  today: Month;
}

/** Why a breakdown cannot be made (a province has no provinces), or null. */
export function breakdownProblem(locality: Locality, by: BreakdownBy): Texts | null {
  if (by === 'province' && locality.level !== 'country') {
    const level = locality.level === 'province' ? 'một tỉnh, thành phố' : 'một xã, phường';
    return {
      vi: `${locality.code} (${locality.name}) là ${level}: muốn so sánh các tỉnh, thành phố (by=province) xin chọn locality=VN.`,
      en: `${locality.code} is a ${locality.level}: by=province needs locality=VN`,
    };
  }
  if (by === 'commune' && locality.level === 'commune') {
    return {
      vi: `${locality.code} (${locality.name}) là một xã, phường, không có đơn vị cấp dưới: để xem từng thủ tục của địa bàn này, xin dùng by=service.`,
      en: `${locality.code} is a commune: use by=service for its services`,
    };
  }
  return null;
}

const collator = new Intl.Collator('vi');

/**
 * One row per unit within a locality (its provinces, its communes, or the services in it) over a
 * window of months, lowest rate first and units without a rate last: where the paper still is.
 */
export function breakdown(sqlite: Database.Database, registry: LocalityRegistry, q: BreakdownQuery): BreakdownRow[] {
  const window = { from: q.from, to: q.to, today: q.today, granularity: 'month' as const };
  const rows: BreakdownRow[] =
    q.by === 'service'
      ? listServices(sqlite).map((s) => ({ code: s.code, name: s.name_vi, ...adoptionWindow(sqlite, registry, { ...window, locality: q.locality, serviceId: s.id }) }))
      : q.by === 'commune'
        ? communeWindows(sqlite, registry, unitsWithin(registry, q.locality, q.by, q.to), q)
        : unitsWithin(registry, q.locality, q.by, q.to).map((u) => ({ code: u.code, name: registry.nameAt(u, q.to), ...adoptionWindow(sqlite, registry, { ...window, locality: u, serviceId: q.serviceId }) }));
  return rows.sort((a, b) => (a.rate === null ? 1 : 0) - (b.rate === null ? 1 : 0) || (a.rate ?? 0) - (b.rate ?? 0) || collator.compare(a.name, b.name));
}

/**
 * adoptionWindow for many communes in one read: their unit sums (or one service's rows) from the
 * lookback to `to`, grouped here. A query per commune cost ~0.5 ms each, 100 ms for a province's
 * 168 (bench --scale commune); test/db/breakdown.test.ts holds it to adoptionWindow.
 */
function communeWindows(sqlite: Database.Database, registry: LocalityRegistry, communes: Locality[], q: BreakdownQuery): BreakdownRow[] {
  const ownerOf = new Map<number, number>();
  communes.forEach((c, i) => {
    for (const id of registry.memberIds(c)) ownerOf.set(id, i);
  });
  const ids = [...ownerOf.keys()];
  const range = [addMonths(q.from, -LOOKBACK_MONTHS), q.to];
  const sums = communes.map(() => ({ online: 0, total: 0, units: new Map() as UnitsByMonth }));
  for (let at = 0; at < ids.length; at += 900) {
    const chunk = ids.slice(at, at + 900);
    const inList = chunk.map(() => '?').join(',');
    const rows = (
      q.serviceId === null
        ? sqlite.prepare(`SELECT locality_id, period, online_count, total_count FROM rollup_unit WHERE locality_id IN (${inList}) AND period BETWEEN ? AND ? AND rows > 0`).raw(true).all(...chunk, ...range)
        : sqlite.prepare(`SELECT locality_id, period, online_count, total_count FROM observations WHERE locality_id IN (${inList}) AND service_id = ? AND period BETWEEN ? AND ?`).raw(true).all(...chunk, q.serviceId, ...range)
    ) as Array<[number, Month, number, number]>;
    for (const [id, period, online, total] of rows) {
      const s = sums[ownerOf.get(id)!]!;
      addUnit(s.units, period, id);
      if (period >= q.from) (s.online += online), (s.total += total);
    }
  }
  const exists = (id: number, month: Month) => registry.existsIn(registry.get(id), month);
  return communes.map((c, i) => {
    const s = sums[i]!;
    return {
      code: c.code,
      name: registry.nameAt(c, q.to),
      online_count: s.online,
      total_count: s.total,
      rate: rateOf(s.online, s.total),
      coverage: coverageOf(q.from, q.to, 'month', { units: s.units, exists, today: q.today }).coverage,
    };
  });
}

/** Today's provinces of the country, or the communes of a province (or of the country) in the window's last month. */
function unitsWithin(registry: LocalityRegistry, locality: Locality, by: 'province' | 'commune', month: Month): Locality[] {
  const units = registry.at(month);
  if (by === 'province') return units.filter((u) => u.level === 'province');
  const provinces = locality.level === 'country' ? new Set(units.filter((u) => u.level === 'province').map((u) => u.id)) : new Set([locality.id]);
  return units.filter((u) => u.level === 'commune' && u.parentId !== null && provinces.has(u.parentId));
}
