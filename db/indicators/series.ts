import type Database from 'better-sqlite3';
import type { RollupCube } from '../cube.ts';
import { type AdoptionQuery, type Bucket, adoptionSeries, rateOf } from '../adoption.ts';
import type { LocalityRegistry } from '../localities/registry.ts';
import type { Month } from '../months.ts';
import { listServices } from '../services.ts';
import type { Indicator } from './catalogue.ts';
import { MEASURES } from './measures.ts';
import { type ServiceSums, serviceTotals } from './service-sums.ts';

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
  const serviceIds = q.serviceId === null ? null : [q.serviceId];
  const bucketSums = (from: Month, to: Month): Map<number, ServiceSums> => {
    if (!indicator.readsSums) return new Map();
    return serviceTotals(sqlite, registry, { locality: q.locality, from, to, serviceIds }, cube);
  };
  return buckets.map(({ online_count: _o, total_count: _t, ...b }) => {
    const { numerator, denominator } = indicator.ratio({ services, sums: bucketSums(b.first_month, b.last_month), month: b.last_month });
    return { ...b, numerator, denominator, rate: rateOf(numerator, denominator) };
  });
}
