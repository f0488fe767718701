import type { Granularity } from './adoption.ts';
import type { Locality, LocalityRegistry } from './localities/registry.ts';
import { type Month, addMonths, monthRange } from './months.ts';

/** Who reported in a bucket: a partial month must never pass for a whole one. */
export interface Coverage {
  /** Expected units with a row in every month of the bucket (in which they existed). */
  reporting: number;
  /** Units with a row in the bucket or in the LOOKBACK_MONTHS before it, that existed in the bucket. */
  expected: number;
}

/** A unit that reported in the year before a bucket is expected in it. */
export const LOOKBACK_MONTHS = 12;

/** The units that reported in each month (ids of localities, or of areas for the country). */
export type UnitsByMonth = Map<Month, Set<number>>;

/** What coverage is read from, for one locality's series. */
export interface CoverageSource {
  units: UnitsByMonth;
  /** Whether a unit existed in a month: an old commune is not expected after the reform. */
  exists: (unitId: number, month: Month) => boolean;
  /** The current month, which is never complete. */
  today: Month;
}

type Covered = { coverage: Coverage; complete: boolean };

/**
 * Coverage already worked out, per UnitsByMonth that never changes (see `unchanging`), per
 * `exists` rule and per bucket: hundreds of services reported by the same areas share one
 * UnitsByMonth (the cube's monthlyByService), and their coverage is worked out once.
 */
const known = new WeakMap<UnitsByMonth, WeakMap<CoverageSource['exists'], Map<string, Covered>>>();

/** Marks a UnitsByMonth that will not be changed again, so that its coverage can be kept. */
export function unchanging(units: UnitsByMonth): UnitsByMonth {
  if (!known.has(units)) known.set(units, new WeakMap());
  return units;
}

/** The kept coverage of a source's units and rule, if they never change; null otherwise. */
function keptFor(source: CoverageSource): Map<string, Covered> | null {
  const byRule = known.get(source.units);
  if (!byRule) return null;
  let kept = byRule.get(source.exists);
  if (!kept) byRule.set(source.exists, (kept = new Map()));
  return kept;
}

const copy = (c: Covered): Covered => ({ coverage: { ...c.coverage }, complete: c.complete });

/** Adds each (unit, month) pair to a UnitsByMonth. */
export function addUnit(units: UnitsByMonth, period: Month, unitId: number): void {
  const set = units.get(period);
  if (set) set.add(unitId);
  else units.set(period, new Set([unitId]));
}

/** The calendar months a bucket spans, whether or not they have data. */
function calendarSpan(first: Month, granularity: Granularity): { start: Month; end: Month } {
  if (granularity === 'month') return { start: first, end: first };
  if (granularity === 'year') return { start: `${first.slice(0, 4)}-01`, end: `${first.slice(0, 4)}-12` };
  const start = addMonths(first, -((Number(first.slice(5, 7)) - 1) % 3));
  return { start, end: addMonths(start, 2) };
}

/**
 * Coverage of a bucket that runs from `first` to `last` (its months with data), and whether it
 * is complete: every expected unit reported, all its months have ended, and a quarter or year
 * spans its whole quarter or year.
 */
export function coverageOf(first: Month, last: Month, granularity: Granularity, source: CoverageSource): Covered {
  const kept = keptFor(source);
  const key = `${first}|${last}|${granularity}|${source.today}`;
  const hit = kept?.get(key);
  if (hit) return copy(hit);
  const found = countCoverage(first, last, granularity, source);
  kept?.set(key, found);
  return copy(found);
}

function countCoverage(first: Month, last: Month, granularity: Granularity, source: CoverageSource): Covered {
  const months = monthRange(first, last);
  const candidates = new Set<number>();
  for (const m of monthRange(addMonths(first, -LOOKBACK_MONTHS), last)) for (const u of source.units.get(m) ?? []) candidates.add(u);
  let expected = 0;
  let reporting = 0;
  for (const u of candidates) {
    const existed = months.filter((m) => source.exists(u, m));
    if (existed.length === 0) continue;
    expected++;
    if (existed.every((m) => source.units.get(m)?.has(u))) reporting++;
  }
  const span = calendarSpan(first, granularity);
  const complete = expected > 0 && reporting === expected && span.end < source.today && first === span.start && last === span.end;
  return { coverage: { reporting, expected }, complete };
}

/**
 * coverageOf for each of a series' months at once, in one sweep that remembers when each unit
 * last reported: the site asks for ~2,000 monthly series, and unioning 13 months of units for
 * every month of each cost a second a build. test/db/coverage.test.ts holds it to coverageOf.
 */
export function monthlyCoverage(months: Month[], source: CoverageSource): Map<Month, Covered> {
  const out = new Map<Month, Covered>();
  if (months.length === 0) return out;
  const kept = keptFor(source);
  const keyOf = (m: Month) => `${m}|${source.today}`;
  if (kept && months.every((m) => kept.has(keyOf(m)))) {
    for (const m of months) out.set(m, copy(kept.get(keyOf(m))!));
    return out;
  }
  const sorted = [...months].sort();
  const lastSeen = new Map<number, Month>();
  let next = 0;
  for (const m of monthRange(addMonths(sorted[0]!, -LOOKBACK_MONTHS), sorted[sorted.length - 1]!)) {
    const here = source.units.get(m);
    for (const u of here ?? []) lastSeen.set(u, m);
    if (m !== sorted[next]) continue;
    next++;
    const since = addMonths(m, -LOOKBACK_MONTHS);
    let expected = 0;
    let reporting = 0;
    for (const [u, seen] of lastSeen) {
      if (seen < since || !source.exists(u, m)) continue;
      expected++;
      if (seen === m) reporting++;
    }
    const found = { coverage: { reporting, expected }, complete: expected > 0 && reporting === expected && m < source.today };
    kept?.set(keyOf(m), copy(found));
    out.set(m, found);
  }
  return out;
}

/**
 * The rule for which unit a row reports as, for a locality's coverage: the country's units are
 * today's provinces (a row of an old province or a commune counts as its province of today) and
 * the country itself for its own rows; any other locality's units are the localities rows were
 * sent for (itself, its communes, the units merged into it), each while it existed.
 */
export function reportingUnits(registry: LocalityRegistry, locality: Locality): { unitOf: (localityId: number) => number; exists: CoverageSource['exists'] } {
  if (locality.level === 'country') return { unitOf: (id) => registry.areaOf(registry.get(id)), exists: areasAlwaysExist };
  return { unitOf: (id) => id, exists: (id, month) => registry.existsIn(registry.get(id), month) };
}

/** The country's rule without a registry: its units are areas, which carry their history. */
export const areasAlwaysExist: CoverageSource['exists'] = () => true;
