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
