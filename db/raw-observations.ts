import type Database from 'better-sqlite3';
import type { Month } from './months.ts';

export type ObservationCells = [
  period: string,
  service_code: string,
  locality_code: string,
  locality_name: string,
  online_count: number,
  total_count: number,
  end_to_end_count: number | null,
  fee_count: number | null,
  paid_online_count: number | null,
  batch_id: number,
];

/** One part of the raw observations: an area in today's boundaries (a current province, or VN) and a year. */
export interface AreaYear {
  areaId: number;
  year: string;
  /** The last batch that changed any sum of this area in this year (rollup_area.changed_in). */
  changedIn: number;
}

/** The area-years with any stored row, with the last batch that changed each. */
export function areaYears(sqlite: Database.Database): AreaYear[] {
  // Hand-written: a GROUP BY over rollup_area (a few thousand rows), read once per build.
  return sqlite
    .prepare(
      `SELECT area_id AS areaId, substr(period, 1, 4) AS year, max(changed_in) AS changedIn FROM rollup_area
       WHERE self_rows + sub_rows > 0 GROUP BY area_id, year ORDER BY area_id, year`,
    )
    .all() as AreaYear[];
}

/**
 * The current observations of some localities over a range of months, as reported, for the
 * open-data download. Hand-written: millions of rows at commune scale, read one locality at a
 * time along the primary key (no sort) and as plain arrays (no object per row).
 */
export function* iterateObservations(sqlite: Database.Database, localityIds: number[], from: Month, to: Month): Generator<ObservationCells> {
  const statement = sqlite
    .prepare(
      `SELECT o.period, s.code, l.code, l.name, o.online_count, o.total_count, o.end_to_end_count, o.fee_count, o.paid_online_count, o.batch_id
       FROM observations o JOIN services s ON s.id = o.service_id JOIN localities l ON l.id = o.locality_id
       WHERE o.locality_id = ? AND o.period BETWEEN ? AND ?
       ORDER BY o.service_id, o.period`,
    )
    .raw(true);
  for (const id of [...localityIds].sort((a, b) => a - b)) yield* statement.iterate(id, from, to) as IterableIterator<ObservationCells>;
}
