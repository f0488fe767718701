import type Database from 'better-sqlite3';
import { type CubeMeasure, EVERY_ROW, MEASURE_CELLS, type RollupCube } from '../cube.ts';
import { DOSSIER_SUMS } from '../indicators/measures.ts';
import type { Month } from '../months.ts';
import type { MeasureFigures, ReportedSums } from './rules.ts';

/**
 * The window's sums of the optional measures (end_to_end_count; fee_count with paid_online_count)
 * that online_for_show and payment_lag read: per service × province from the cube, per
 * service × commune from the rows. Each measure is summed with the online and total counts of the
 * rows that reported it, and only those: a row without it counts nowhere (not reported ≠ zero).
 */

/**
 * The measures of every service × area (the cube's indices, `services.length × areas.length`,
 * null where none) over the window, from the cube.
 *
 * A rollup keeps a measure's numerator and denominator over the rows that reported it, but not
 * those rows' online count. So a month counts for a measure only when every row of the pair
 * reported it (the cube's EVERY_ROW bit; for a province reporting one row a month: when that row
 * did); a month in which only some of a province's communes reported it is left out whole, and
 * the online share and the measure are read over the very same rows. The commune scopes judge
 * those communes one by one.
 */
export function provinceMeasures(cube: RollupCube, window: { from: Month; to: Month }): Array<MeasureFigures | null> {
  const { services, areas, months, online, total, measures, measured, rows } = cube.state;
  const out: Array<MeasureFigures | null> = new Array(services.length * areas.length).fill(null);
  const lo = Math.max(0, cube.monthOffset(window.from));
  const hi = Math.min(months - 1, cube.monthOffset(window.to));
  // Where each measure sits in a cell: the cube's own table of it.
  const at = (measure: CubeMeasure) => {
    const { numerator, denominator } = MEASURE_CELLS.find((c) => c.id === measure)!;
    return { every: EVERY_ROW[measure], numerator, denominator };
  };
  const read = [
    { ...at('end_to_end'), into: 'endToEnd' as const },
    { ...at('paid_online'), into: 'payment' as const },
  ];
  for (let cell = 0; cell < out.length; cell++) {
    for (const m of read) {
      let sums: ReportedSums | null = null;
      for (let i = cell * months + lo; i <= cell * months + hi; i++) {
        if ((measured[i]! & m.every) === 0) continue;
        sums ??= { online: 0, total: 0, count: 0, base: 0, rows: 0 };
        sums.online += online[i]!;
        sums.total += total[i]!;
        sums.count += measures[i * DOSSIER_SUMS.length + m.numerator]!;
        sums.base += measures[i * DOSSIER_SUMS.length + m.denominator]!;
        sums.rows += rows[i]!;
      }
      if (sums) (out[cell] ??= { endToEnd: null, payment: null })[m.into] = sums;
    }
  }
  return out;
}

/** Per pair slot: the sums of the rows that reported end_to_end_count, then of those that reported paid_online_count. */
const E2E = 0;
const PAY = 5;
const STRIDE = 10;

/** The measures of each (commune, service) pair over the window (db/watch/communes.ts), by pair slot. */
export class PairMeasureSums {
  private constructor(private readonly sums: Float64Array) {}

  /**
   * Reads the window's commune rows that reported a measure, summed per (locality, service) in
   * the observations' key order (no sort): `pairOf(locality, service)` is the pair slot a row
   * counts in (−1 = none), old communes merged whole adding into their current one.
   */
  static read(sqlite: Database.Database, window: { from: Month; to: Month }, pairOf: (localityId: number, serviceId: number) => number): PairMeasureSums {
    const rows = sqlite
      .prepare(
        `SELECT l.id, o.service_id,
           sum(CASE WHEN o.end_to_end_count IS NOT NULL THEN o.online_count END), sum(CASE WHEN o.end_to_end_count IS NOT NULL THEN o.total_count END),
           sum(o.end_to_end_count), sum(CASE WHEN o.end_to_end_count IS NOT NULL THEN o.total_count END), count(o.end_to_end_count),
           sum(CASE WHEN o.paid_online_count IS NOT NULL THEN o.online_count END), sum(CASE WHEN o.paid_online_count IS NOT NULL THEN o.total_count END),
           sum(o.paid_online_count), sum(CASE WHEN o.paid_online_count IS NOT NULL THEN o.fee_count END), count(o.paid_online_count)
         FROM localities l CROSS JOIN observations o ON o.locality_id = l.id
         WHERE l.level = 'commune' AND o.period BETWEEN ? AND ? AND (o.end_to_end_count IS NOT NULL OR o.paid_online_count IS NOT NULL)
         GROUP BY l.id, o.service_id`,
      )
      .raw(true)
      .iterate(window.from, window.to) as IterableIterator<Array<number | null>>;
    let sums = new Float64Array(0);
    for (const v of rows) {
      const pair = pairOf(v[0]!, v[1]!);
      if (pair < 0) continue;
      const at = pair * STRIDE;
      if (at + STRIDE > sums.length) {
        const grown = new Float64Array(Math.max(at + STRIDE, sums.length * 2));
        grown.set(sums);
        sums = grown;
      }
      for (let k = 0; k < STRIDE; k++) sums[at + k] = sums[at + k]! + (v[k + 2] ?? 0);
    }
    return new PairMeasureSums(sums);
  }

  /** A pair's measures; null when none of its rows in the window reported any. */
  of(pair: number): MeasureFigures | null {
    const at = pair * STRIDE;
    if (at + STRIDE > this.sums.length) return null;
    const s = this.sums;
    const sums = (k: number): ReportedSums | null => (s[k + 4]! > 0 ? { online: s[k]!, total: s[k + 1]!, count: s[k + 2]!, base: s[k + 3]!, rows: s[k + 4]! } : null);
    const endToEnd = sums(at + E2E);
    const payment = sums(at + PAY);
    return endToEnd || payment ? { endToEnd, payment } : null;
  }
}
