import { readFileSync, statSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { monthRange } from '../db/months.ts';
import { hash } from './dataset.ts';
import { type CeilingRow, post } from './ingest.ts';
import { type RunningServer, peakRssMiB } from './server.ts';
import { percentile, timeRequests } from './stats.ts';

/**
 * The commune-scale dataset (`npm run bench -- --scale commune`): every commune of today ×
 * 300 commune-level services × 2025-07..2026-11, about 17 million observations, on top of the
 * province-level dataset. Its services (C.*) are not the province dataset's (B.*), so no row is
 * counted twice.
 */
export const COMMUNE_SERVICES = 300;
export const COMMUNE_MONTHS = monthRange('2025-07', '2026-11');
/** The one-commune batch goes into a month with no rows yet. */
const SMALL_BATCH_MONTH = '2026-12';

export const COMMUNES = (parse(readFileSync(new URL('../db/reference/vn-communes-2025.csv', import.meta.url)), { columns: true }) as Array<{ code: string; province_code: string }>).map(
  (r) => ({ code: r.code, province: r.province_code }),
);
const PROVINCES = [...new Set(COMMUNES.map((c) => c.province))];

export const communeServiceCode = (i: number) => `C.${String(i).padStart(6, '0')}`;

function catalogueCsv(): string {
  const lines = ['code,name_vi,name_en,agency,online_level,online_since'];
  for (let i = 0; i < COMMUNE_SERVICES; i++) lines.push(`${communeServiceCode(i)},Thủ tục cấp xã số ${i},Commune procedure ${i},Bộ ${i % 20},full,2019-01`);
  return lines.join('\n') + '\n';
}

/** Rows of the communes of one province in one month as [period, service, commune, online, total]. */
export function* communeRows(province: string, month: string, services = COMMUNE_SERVICES): Generator<[string, string, string, number, number]> {
  const m = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
  for (const c of COMMUNES) {
    if (c.province !== province) continue;
    const code = Number(c.code);
    for (let s = 0; s < services; s++) {
      const h = hash(s + 5000, code, m);
      const total = 1 + (h % 200);
      const online = Math.floor((total * ((h >>> 12) % 100)) / 100);
      yield [month, communeServiceCode(s), c.code, online, total];
    }
  }
}

function csvOf(rows: Iterable<[string, string, string, number, number]>): string {
  const lines = ['period,service_code,locality_code,online_count,total_count'];
  for (const r of rows) lines.push(r.join(','));
  return lines.join('\n') + '\n';
}

/** Every row of the dataset, for the raw insert ceiling: [commune index, service index, period, online, total]. */
export function* communeCeilingRows(): Generator<CeilingRow> {
  const index = new Map(COMMUNES.map((c, i) => [c.code, 1000 + i]));
  for (const month of COMMUNE_MONTHS)
    for (const province of PROVINCES) for (const [period, service, commune, online, total] of communeRows(province, month)) yield [index.get(commune)!, Number(service.slice(2)), period, online, total, null, null, null];
}

type Record = (metric: string, value: number, unit: string, goal?: string, pass?: boolean | null) => void;

/** Sends the dataset over HTTP (one batch per province and month), then measures reads, flags and a small batch. */
export async function communeScale(server: RunningServer, adminToken: string, publisherToken: string, dbFile: string, ceilingRowsPerSecond: number, record: Record, queries: number): Promise<void> {
  await post(server, '/api/v1/services', catalogueCsv(), { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' });
  const headers = { authorization: `Bearer ${publisherToken}`, 'content-type': 'text/csv' };
  let rows = 0;
  let busy = 0;
  for (const month of COMMUNE_MONTHS) {
    for (const province of PROVINCES) {
      const body = csvOf(communeRows(province, month));
      const started = performance.now();
      rows += (await post(server, '/api/v1/observations', body, headers)).rows as number;
      busy += performance.now() - started;
    }
  }
  const perSecond = rows / (busy / 1000);
  record(`commune scale: HTTP CSV ingest (${rows.toLocaleString('en')} rows, ${COMMUNE_MONTHS.length * PROVINCES.length} batches)`, perSecond, 'rows/s');
  record('commune scale: HTTP ingest / raw ceiling', (perSecond / ceilingRowsPerSecond) * 100, '%', '≥ 40%', perSecond / ceilingRowsPerSecond >= 0.4);
  record('commune scale: database file', statSync(dbFile).size / 2 ** 30, 'GiB');

  const pick = (i: number) => COMMUNES[(i * 7919) % COMMUNES.length]!;
  const timed = async (label: string, url: (i: number) => string) => {
    const t = await timeRequests(Array.from({ length: queries }, (_, i) => `${server.url}${url(i)}`));
    record(`commune scale: ${label} p50`, t.p50, 'ms');
    record(`commune scale: ${label} p99`, t.p99, 'ms', '< 50 ms', t.p99 < 50);
  };
  await timed('adoption commune/all/month', (i) => `/api/v1/adoption?locality=${pick(i).code}`);
  await timed('adoption commune/service/month', (i) => `/api/v1/adoption?locality=${pick(i).code}&service=${communeServiceCode(i % COMMUNE_SERVICES)}`);
  await timed('adoption province/all/month', (i) => `/api/v1/adoption?locality=${PROVINCES[i % PROVINCES.length]}`);
  await timed('adoption national/all/year', () => '/api/v1/adoption?granularity=year');
  await timed("breakdown of a province's communes", (i) => `/api/v1/adoption/breakdown?by=commune&locality=${PROVINCES[i % PROVINCES.length]}`);

  // The flags of every unit, communes included, computed once by the server (uncached).
  const started = performance.now();
  const flags = (await (await fetch(`${server.url}/api/v1/flags?limit=1`)).json()) as { count: number };
  const seconds = (performance.now() - started) / 1000;
  record(`commune scale: watch list, every signal (${flags.count.toLocaleString('en')} flags)`, seconds, 's', '< 30 s', seconds < 30);

  const small: number[] = [];
  for (let i = 0; i < 20; i++) {
    const commune = pick(i * 13 + 1);
    const body = csvOf([...communeRows(commune.province, SMALL_BATCH_MONTH)].filter((r) => r[2] === commune.code));
    const t0 = performance.now();
    await post(server, '/api/v1/observations', body, headers);
    small.push(performance.now() - t0);
  }
  small.sort((a, b) => a - b);
  record(`commune scale: one commune, one month (${COMMUNE_SERVICES} rows) stored, median`, percentile(small, 50), 'ms');
  record(`commune scale: one commune, one month (${COMMUNE_SERVICES} rows) stored, slowest of 20`, small[small.length - 1]!, 'ms', '< 200 ms', small[small.length - 1]! < 200);
  const rss = peakRssMiB(server.pid);
  record('commune scale: server peak RSS (ingest, reads, flags)', rss, 'MiB', '< 1536 MiB', rss < 1536);
}
