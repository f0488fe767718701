/**
 * A small dataset with the optional measures, with answers worked out by hand, for the site's
 * indicators: the measure lines, the scorecards, the end-to-end share against its target.
 *
 * Services: A (full, Bộ Tư pháp), B (partial, Bộ Công an), C (not offered online, an agency with
 * markup in its name). Rows, every month 2026-01..2026-10 (NOW is 2026-11-15):
 *   Hà Nội (01), A: 40/100 online, 20 end-to-end, 50 with a fee of which 10 paid online
 *   Tuyên Quang (08), A: 30/100 online, no measure reported
 *   Phường Bình Dương (25760, in 79), B: 60/100 online, 30 end-to-end, 40 with a fee, 30 paid online
 * So Hà Nội's 2026: online 400 ÷ 1,000 = 40% (4.8 of 6 points), end-to-end 200 ÷ 1,000 = 20%
 * (0.75 of 3), paid online 100 ÷ 500 = 20% (1.2 of 3); nationally in 2026-10 end-to-end
 * (20 + 30) ÷ (100 + 100) = 25%, over the 2 provinces that reported it.
 */
import type Database from 'better-sqlite3';
import { UNRESTRICTED, ingestBody } from '../../../db/ingest/ingest.ts';
import { monthRange } from '../../../db/months.ts';
import { upsertServices } from '../../../db/services.ts';
import { NOW } from './fixture.ts';

export const MEASURE_HEADER = 'period,service_code,locality_code,online_count,total_count,end_to_end_count,fee_count,paid_online_count';
export const MONTHS = monthRange('2026-01', '2026-10');
export const HOSTILE_MINISTRY = '<img src=x onerror=alert(3)>';
export const COMMUNE = '25760';

export type MeasureRow = [period: string, service: string, locality: string, online: number, total: number, endToEnd: number | null, fee: number | null, paidOnline: number | null];

export function measureRows(): MeasureRow[] {
  return MONTHS.flatMap((m): MeasureRow[] => [
    [m, 'A', '01', 40, 100, 20, 50, 10],
    [m, 'A', '08', 30, 100, null, null, null],
    [m, 'B', COMMUNE, 60, 100, 30, 40, 30],
  ]);
}

export const measureCsv = (rows: MeasureRow[]) => [MEASURE_HEADER, ...rows.map((r) => r.map((v) => v ?? '').join(','))].join('\n') + '\n';

export function sendMeasures(sqlite: Database.Database, rows: MeasureRow[]): void {
  const outcome = ingestBody(sqlite, Buffer.from(measureCsv(rows)), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
  if (outcome.status !== 201) throw new Error(`indicators fixture: ${JSON.stringify(outcome.body)}`);
}

/** Registers the three services and sends every row. */
export function loadMeasures(sqlite: Database.Database): void {
  upsertServices(sqlite, [
    { code: 'A', name_vi: 'Đăng ký khai sinh', name_en: 'Birth registration', agency: 'Bộ Tư pháp', online_level: 'full', online_since: '2019-01' },
    { code: 'B', name_vi: 'Cấp hộ chiếu', name_en: 'Passports', agency: 'Bộ Công an', online_level: 'partial', online_since: '2019-01' },
    { code: 'C', name_vi: 'Giấy phép chưa trực tuyến', name_en: 'A licence not online', agency: HOSTILE_MINISTRY, online_level: 'none', online_since: null },
  ]);
  sendMeasures(sqlite, measureRows());
}
