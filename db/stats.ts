import type Database from 'better-sqlite3';
import type { Month } from './months.ts';

/** Sums of one month (or window) of something. */
export interface Sums {
  online: number;
  total: number;
}

export interface MonthSums extends Sums {
  period: Month;
}

function groupBy<K, T extends { key: K }>(rows: T[]): Map<K, Array<Omit<T, 'key'>>> {
  const out = new Map<K, Array<Omit<T, 'key'>>>();
  for (const { key, ...rest } of rows) {
    const list = out.get(key) ?? [];
    list.push(rest);
    out.set(key, list);
  }
  return out;
}

/** Monthly sums over all services for every area (a current province, or VN for country rows). */
export function monthlyByArea(sqlite: Database.Database): Map<number, MonthSums[]> {
  const rows = sqlite
    .prepare(
      `SELECT area_id AS key, period, online_count AS online, total_count AS total FROM rollup_area
       WHERE self_rows + sub_rows > 0 ORDER BY area_id, period`,
    )
    .all() as Array<MonthSums & { key: number }>;
  return groupBy(rows);
}

/** Sums of one service in one area over some months. */
export interface ServiceAreaSums extends Sums {
  serviceId: number;
  areaId: number;
}

export type ObservationCells = [period: string, service_code: string, locality_code: string, locality_name: string, online_count: number, total_count: number, batch_id: number];

/**
 * Every current observation as reported, for the open-data download: in key order (no sort of
 * millions of rows) and as plain arrays (no object per row).
 */
export function iterateObservations(sqlite: Database.Database): IterableIterator<ObservationCells> {
  return sqlite
    .prepare(
      `SELECT o.period, s.code, l.code, l.name, o.online_count, o.total_count, o.batch_id
       FROM observations o JOIN services s ON s.id = o.service_id JOIN localities l ON l.id = o.locality_id
       ORDER BY o.locality_id, o.service_id, o.period`,
    )
    .raw(true)
    .iterate() as IterableIterator<ObservationCells>;
}
