import type Database from 'better-sqlite3';
import type { RollupCube } from '../cube.ts';
import { type AdoptionQuery, type Bucket, adoptionSeries, rateOf } from '../adoption.ts';
import type { LocalityRegistry } from '../localities/registry.ts';
import { listServices } from '../services.ts';
import type { Indicator } from './catalogue.ts';
import { MEASURES } from './measures.ts';
import { type ServiceSums, eachServiceTotals } from './service-sums.ts';

/** A bucket of an indicator: Σ numerator ÷ Σ denominator, with who reported (the contract's "Indicators"). */
export type IndicatorBucket = Omit<Bucket, 'online_count' | 'total_count'> & { numerator: number; denominator: number };

/**
 * An indicator's series. A dossier indicator divides its measure's sums (the rollups, over the
 * rows that reported it, coverage included); a service indicator counts services in each bucket,
 * over the months and units the online counts cover (from the cube, when one is given: it must be
 * up to date).
 */
export function indicatorSeries(sqlite: Database.Database, registry: LocalityRegistry, indicator: Indicator, q: AdoptionQuery, cube?: RollupCube | null): IndicatorBucket[] {
  if (indicator.measure) {
    return adoptionSeries(sqlite, registry, { ...q, measure: MEASURES[indicator.measure] }).map(({ online_count, total_count, ...b }) => ({
      ...b,
      numerator: online_count,
      denominator: total_count,
    }));
  }
  const buckets = adoptionSeries(sqlite, registry, { ...q, measure: MEASURES.online });
  if (buckets.length === 0) return [];
  const services = listServices(sqlite).filter((s) => q.serviceId === null || s.id === q.serviceId);
  const ratioOf = (i: number, sums: ReadonlyMap<number, ServiceSums>) => indicator.ratio({ services, sums, month: buckets[i]!.last_month });
  const ratios = buckets.map((_b, i) => (indicator.readsSums ? null : ratioOf(i, new Map())));
  if (indicator.readsSums) {
    const ranges = buckets.map((b) => ({ from: b.first_month, to: b.last_month }));
    eachServiceTotals(sqlite, registry, { locality: q.locality, ranges, serviceIds: q.serviceId === null ? null : [q.serviceId] }, cube, (i, sums) => (ratios[i] = ratioOf(i, sums)));
  }
  return buckets.map(({ online_count: _o, total_count: _t, ...b }, i) => {
    const { numerator, denominator } = ratios[i]!;
    return { ...b, numerator, denominator, rate: rateOf(numerator, denominator) };
  });
}
