import type Database from 'better-sqlite3';
import { UNRESTRICTED, ingestBody } from '../../../db/ingest/ingest.ts';
import { type Month, monthRange } from '../../../db/months.ts';
import { upsertServices } from '../../../db/services.ts';
import { csv, service } from '../../helper.ts';

/** 15 Nov 2026: the window is 2025-11..2026-10, read from 2025-09; October is due. */
export const NOW = new Date('2026-11-15T00:00:00Z');
export const MONTHS = monthRange('2025-09', '2026-10');
export const WINDOW = monthRange('2025-11', '2026-10');

/** Communes of 79 (Thành phố Hồ Chí Minh) and 01 (Thành phố Hà Nội). */
export const C = {
  BEN_THANH: '26743',
  SAI_GON: '26740',
  TAN_DINH: '26737',
  THU_DAU_MOT: '25747',
  PHU_LOI: '25750',
  BINH_DUONG: '25760',
  PHU_AN: '25768',
  CHANH_HIEP: '25771',
  /** No rows at all. */
  DAU_TIENG: '25777',
  BA_DINH: '00004',
  NGOC_HA: '00008',
  HOAN_KIEM: '00070',
} as const;

export type Row = [Month, string, string, number, number];

export function series(code: string, locality: string, counts: (k: number, month: Month) => [number, number] | null, months = MONTHS): Row[] {
  return months.flatMap((m, k) => {
    const c = counts(k, m);
    return c === null ? [] : [[m, code, locality, c[0], c[1]] as Row];
  });
}

/** The same counts every month of the window. */
export const flat = (code: string, locality: string, online: number, total: number) => series(code, locality, () => [online, total], WINDOW);

export function send(sqlite: Database.Database, rows: Row[]): void {
  const outcome = ingestBody(sqlite, Buffer.from(csv(rows)), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
  if (outcome.status !== 201) throw new Error(JSON.stringify(outcome.body).slice(0, 500));
}

/**
 * 79 and 01 report by commune, 04 (Tỉnh Cao Bằng) by province. Monthly counts (online / total):
 * - A: in 79, Bến Thành 99/1,000 (9.9%), Sài Gòn 41%, Tân Định 45%, Thủ Dầu Một 50%; in 01, Ba Đình 0.5%,
 *   Ngọc Hà 1%, Hoàn Kiếm 1.5%; in 04 (province rows) 30%.
 * - U: Phú Lợi 0/200 (online, never used). S: Bình Dương 40% in both halves (stalled).
 * - D: Phú An, 14 months alternating 50% and 51% of 1,000, then 30% in 2026-10 (an outage).
 * - L: Chánh Hiệp 100/200 from 2025-11 to 2026-08, then nothing (2 months late).
 */
export function loadCommuneFixture(sqlite: Database.Database): void {
  upsertServices(
    sqlite,
    ['A', 'U', 'S', 'D', 'L'].map((code) => service(code, { online_since: '2019-01' })),
  );
  send(sqlite, [
    ...flat('A', C.BEN_THANH, 99, 1000),
    ...flat('A', C.SAI_GON, 410, 1000),
    ...flat('A', C.TAN_DINH, 450, 1000),
    ...flat('A', C.THU_DAU_MOT, 500, 1000),
    ...flat('A', C.BA_DINH, 5, 1000),
    ...flat('A', C.NGOC_HA, 10, 1000),
    ...flat('A', C.HOAN_KIEM, 15, 1000),
    ...flat('A', '04', 300, 1000),
    ...flat('U', C.PHU_LOI, 0, 200),
    ...series('S', C.BINH_DUONG, () => [400, 1000], WINDOW),
    ...series('D', C.PHU_AN, (k) => (k < 13 ? [500 + 10 * (k % 2), 1000] : [300, 1000])),
    ...series('L', C.CHANH_HIEP, () => [100, 200], monthRange('2025-11', '2026-08')),
  ]);
}
