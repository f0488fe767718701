import type Database from 'better-sqlite3';
import { type Bucket, adoptionWindow } from './adoption.ts';
import type { Locality, LocalityRegistry } from './localities/registry.ts';
import type { Month } from './months.ts';
import { listServices } from './services.ts';

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
export function breakdownProblem(locality: Locality, by: BreakdownBy): string | null {
  if (by === 'province' && locality.level !== 'country') return `${locality.code} is a ${locality.level}: by=province needs locality=VN`;
  if (by === 'commune' && locality.level === 'commune') return `${locality.code} is a commune: use by=service for its services`;
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
      : unitsWithin(registry, q.locality, q.by, q.to).map((u) => ({ code: u.code, name: registry.nameAt(u, q.to), ...adoptionWindow(sqlite, registry, { ...window, locality: u, serviceId: q.serviceId }) }));
  return rows.sort((a, b) => (a.rate === null ? 1 : 0) - (b.rate === null ? 1 : 0) || (a.rate ?? 0) - (b.rate ?? 0) || collator.compare(a.name, b.name));
}

/** Today's provinces of the country, or the communes of a province (or of the country) in the window's last month. */
function unitsWithin(registry: LocalityRegistry, locality: Locality, by: 'province' | 'commune', month: Month): Locality[] {
  const units = registry.at(month);
  if (by === 'province') return units.filter((u) => u.level === 'province');
  const provinces = locality.level === 'country' ? new Set(units.filter((u) => u.level === 'province').map((u) => u.id)) : new Set([locality.id]);
  return units.filter((u) => u.level === 'commune' && u.parentId !== null && provinces.has(u.parentId));
}
