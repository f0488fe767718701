import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { monthRange } from '../db/months.ts';

/** The national-scale bench dataset: N services × every province of each month × 2020-01..2026-10. */
export const BENCH_FROM = '2020-01';
export const BENCH_TO = '2026-10';
export const REORGANISATION_MONTH = '2025-07';

const reference = (file: string) =>
  (parse(readFileSync(new URL(`../db/reference/${file}`, import.meta.url)), { columns: true }) as Array<{ code: string }>).map((r) => r.code);

export const OLD_PROVINCES = reference('vn-provinces-before-2025-07.csv');
export const NEW_PROVINCES = reference('vn-provinces-2025.csv');

export function serviceCode(i: number): string {
  return `B.${String(i).padStart(6, '0')}`;
}

export function benchCatalogueCsv(services: number): string {
  const lines = ['code,name_vi,name_en,agency,online_level,online_since'];
  for (let i = 0; i < services; i++) lines.push(`${serviceCode(i)},Thủ tục thử nghiệm số ${i},Bench procedure ${i},Bộ ${i % 20},${i % 3 ? 'full' : 'partial'},2019-01`);
  return lines.join('\n') + '\n';
}

/** A stateless integer hash: the same cell always gets the same counts. */
export function hash(a: number, b: number, c: number): number {
  let h = (a * 374761393 + b * 668265263 + c * 2147483647) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return (h ^ (h >>> 16)) >>> 0;
}

export const benchMonths = () => monthRange(BENCH_FROM, BENCH_TO);

export function provincesOf(month: string): string[] {
  return month < REORGANISATION_MONTH ? OLD_PROVINCES : NEW_PROVINCES;
}

/** A row of the province dataset: [period, service, locality, online, total, end_to_end, fee, paid_online]. */
export type BenchRow = [string, string, string, number, number, number, number, number];

/** Rows of one month, every optional measure filled (issue 16: ingest is measured with them). */
export function* monthRows(month: string, services: number): Generator<BenchRow> {
  const m = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
  const progress = (m - 2020 * 12) / 82;
  for (const province of provincesOf(month)) {
    const p = Number(province);
    for (let s = 0; s < services; s++) {
      const h = hash(s, p, m);
      const total = 20 + (h % 5000);
      const online = Math.floor(total * Math.min(1, progress * ((h >>> 12) % 100) / 100));
      const endToEnd = Math.floor(online * (((h >>> 5) % 90) / 100));
      const fee = s % 3 === 0 ? 0 : Math.floor(total * (((h >>> 8) % 80) / 100));
      const paidOnline = Math.floor(fee * Math.min(1, progress * ((h >>> 16) % 100) / 100));
      yield [month, serviceCode(s), province, online, total, endToEnd, fee, paidOnline];
    }
  }
}

export const BENCH_HEADER = 'period,service_code,locality_code,online_count,total_count,end_to_end_count,fee_count,paid_online_count';

export function monthCsv(month: string, services: number): string {
  const lines = [BENCH_HEADER];
  for (const r of monthRows(month, services)) lines.push(r.join(','));
  return lines.join('\n') + '\n';
}
