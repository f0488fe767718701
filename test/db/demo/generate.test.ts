import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { addMonths } from '../../../db/months.ts';
import { DEMO_LATE_COMMUNE, DEMO_LATE_PROVINCES, type DemoDataset, type DemoRow, generateDemo } from '../../../db/demo/generate.ts';
import { E2E_FROM, FEE_FROM } from '../../../db/demo/measures.ts';
import { DEMO_MINISTRY_RUN, DEMO_PROFILES } from '../../../db/demo/services.ts';

const LAST = '2026-10';
const REORGANISATION = '2025-07';
const data = generateDemo(LAST);

function referenceCodes(file: string, filter: (row: Record<string, string>) => boolean = () => true): Set<string> {
  const text = readFileSync(new URL(`../../../db/reference/${file}`, import.meta.url));
  const rows = parse(text, { columns: true, bom: true, trim: true }) as Array<Record<string, string>>;
  return new Set(rows.filter(filter).map((r) => r.code!));
}

const OLD = referenceCodes('vn-provinces-before-2025-07.csv');
const NEW = referenceCodes('vn-provinces-2025.csv');
const COMMUNE_PROVINCES = ['01', '48'];
const COMMUNES = referenceCodes('vn-communes-2025.csv', (r) => COMMUNE_PROVINCES.includes(r.province_code!));
/** Old Hà Nội, Đà Nẵng and Quảng Nam (which went into today's 48). */
const OLD_COMMUNES = referenceCodes('vn-communes-before-2025-07.csv', (r) => ['01', '48', '49'].includes(r.province_code!));

/** Σonline / Σtotal over the rows that match, summed here rather than trusted from the generator. */
function share(rows: DemoRow[], match: (row: DemoRow) => boolean): number {
  let online = 0;
  let total = 0;
  for (const row of rows) {
    if (!match(row)) continue;
    online += row.online_count;
    total += row.total_count;
  }
  return online / total;
}

/** A share as a percentage with two decimals, the way it is published. */
function percent(value: number): number {
  return Math.round(value * 10_000) / 100;
}

const level = (r: DemoRow) => DEMO_PROFILES.get(r.service_code)!.online_level;
const isProvince = (code: string) => code.length === 2;

function yearShare(year: number): number {
  return share(data.rows, (r) => r.period.startsWith(`${year}-`));
}

function fingerprint(dataset: DemoDataset): string {
  const hash = createHash('sha256').update(JSON.stringify(dataset.services));
  for (const r of dataset.rows) hash.update(`${r.period},${r.service_code},${r.locality_code},${r.online_count},${r.total_count},${r.end_to_end_count},${r.fee_count},${r.paid_online_count}\n`);
  return hash.digest('hex');
}

describe('generateDemo', () => {
  it('hits the published national figures for 2020, 2021 and January–July 2022', () => {
    expect(percent(yearShare(2020))).toBe(1.78);
    expect(percent(yearShare(2021))).toBe(9.51);
    const early2022 = percent(share(data.rows, (r) => r.period >= '2022-01' && r.period <= '2022-07'));
    expect(early2022).toBeGreaterThanOrEqual(17.5);
    expect(early2022).toBeLessThanOrEqual(17.99);
  });

  it('rises every year after 2021', () => {
    for (let year = 2022; year <= 2026; year++) expect(yearShare(year)).toBeGreaterThan(yearShare(year - 1));
  });

  it('is deterministic', () => {
    expect(fingerprint(generateDemo(LAST))).toBe(fingerprint(data));
  });

  it('covers 2020-01 to the last month', () => {
    const periods = new Set(data.rows.map((r) => r.period));
    expect([...periods].sort()[0]).toBe('2020-01');
    expect([...periods].sort().at(-1)).toBe(LAST);
  });

  it('uses the old codes before the reorganisation and the new ones after, communes of Hà Nội and Đà Nẵng included', () => {
    for (const row of data.rows) {
      const valid = row.period < REORGANISATION ? OLD.has(row.locality_code) || OLD_COMMUNES.has(row.locality_code) : NEW.has(row.locality_code) || COMMUNES.has(row.locality_code);
      if (!valid) throw new Error(`unexpected locality ${row.locality_code} in ${row.period}`);
    }
  });

  it('has valid counts: integers, 0 ≤ online ≤ total ≤ 1e9', () => {
    const bad = data.rows.filter(
      (r) => !Number.isInteger(r.online_count) || !Number.isInteger(r.total_count) || r.online_count < 0 || r.online_count > r.total_count || r.total_count > 1e9,
    );
    expect(bad).toEqual([]);
  });

  it('reports no online dossier before a service went online', () => {
    const since = new Map(data.services.map((s) => [s.code, s.online_since!]));
    expect(data.rows.filter((r) => r.period < since.get(r.service_code)! && r.online_count > 0)).toEqual([]);
  });

  it('has at least 8 services that are online but almost unused over the last 12 months', () => {
    const from = addMonths(LAST, -11);
    const sums = new Map<string, [number, number]>();
    for (const r of data.rows) {
      if (r.period < from || level(r) === 'none') continue;
      const sum = sums.get(r.service_code) ?? [0, 0];
      sum[0] += r.online_count;
      sum[1] += r.total_count;
      sums.set(r.service_code, sum);
    }
    const unused = [...sums.values()].filter(([online, total]) => online / total < 0.02);
    expect(unused.length).toBeGreaterThanOrEqual(8);
  });

  it('leaves the late provinces without rows for the last month, one of them for two months', () => {
    expect(DEMO_LATE_PROVINCES.length).toBeGreaterThanOrEqual(2);
    expect(DEMO_LATE_PROVINCES.length).toBeLessThanOrEqual(3);
    const reporting = (month: string) => new Set(data.rows.filter((r) => r.period === month).map((r) => r.locality_code));
    const last = reporting(LAST);
    const before = reporting(addMonths(LAST, -1));
    for (const code of DEMO_LATE_PROVINCES) expect(last.has(code)).toBe(false);
    expect(DEMO_LATE_PROVINCES.filter((code) => !before.has(code))).toHaveLength(1);
    for (const code of NEW) if (!DEMO_LATE_PROVINCES.includes(code)) expect(last.has(code)).toBe(true);
  });

  it('has about 150 services with unique national procedure codes, and every row names one', () => {
    expect(data.services.length).toBeGreaterThanOrEqual(140);
    expect(data.services.length).toBeLessThanOrEqual(160);
    const codes = new Set(data.services.map((s) => s.code));
    expect(codes.size).toBe(data.services.length);
    for (const code of codes) expect(code).toMatch(/^\d\.\d{6}$/);
    expect(data.rows.filter((r) => !codes.has(r.service_code))).toEqual([]);
  });

  it('never reports a province both as a province and by commune for the same service and month', () => {
    for (const [province, communes, from, to] of [
      ['01', COMMUNES, REORGANISATION, '9999-99'],
      ['48', COMMUNES, REORGANISATION, '9999-99'],
      ['01', OLD_COMMUNES, '2024-01', '2025-06'],
    ] as const) {
      const provinceKeys = new Set<string>();
      const communeKeys = new Set<string>();
      for (const r of data.rows) {
        if (r.period < from || r.period > to) continue;
        if (r.locality_code === province) provinceKeys.add(`${r.service_code}|${r.period}`);
        else if (communes.has(r.locality_code)) communeKeys.add(`${r.service_code}|${r.period}`);
      }
      expect(communeKeys.size).toBeGreaterThan(0);
      expect([...communeKeys].filter((key) => provinceKeys.has(key))).toEqual([]);
    }
  });

  it('has old commune rows from 2024-01 and commune rows of Đà Nẵng to move over, and one commune that stopped reporting', () => {
    const oldRows = data.rows.filter((r) => OLD_COMMUNES.has(r.locality_code) && r.period < REORGANISATION);
    expect(oldRows.map((r) => r.period).sort()[0]).toBe('2024-01');
    expect(data.moved.province).toBe('48');
    expect(data.rows.filter((r) => data.moved.communes.has(r.locality_code) && r.period >= data.moved.from).length).toBeGreaterThan(1000);
    const months = new Set(data.rows.filter((r) => r.locality_code === DEMO_LATE_COMMUNE).map((r) => r.period));
    expect([months.has(addMonths(LAST, -2)), months.has(addMonths(LAST, -1)), months.has(LAST)]).toEqual([true, false, false]);
  });
});

/** Σ numerator ÷ Σ denominator over the rows that match and reported the measure. */
function measureShare(measure: 'end_to_end' | 'paid_online', match: (row: DemoRow) => boolean): number {
  let numerator = 0;
  let denominator = 0;
  for (const r of data.rows) {
    if (!match(r)) continue;
    if (measure === 'end_to_end' && r.end_to_end_count !== null) {
      numerator += r.end_to_end_count;
      denominator += r.total_count;
    } else if (measure === 'paid_online' && r.paid_online_count !== null) {
      numerator += r.paid_online_count;
      denominator += r.fee_count!;
    }
  }
  return numerator / denominator;
}

/** Per service × province over 2026, the sums the watch list reads: each measure with the online and total counts of the rows that reported it. */
function pairs2026(): Array<{ service: string; province: string; e2e: [online: number, total: number, count: number]; pay: [online: number, total: number, paid: number, fee: number] }> {
  const out = new Map<string, { service: string; province: string; e2e: [number, number, number]; pay: [number, number, number, number] }>();
  for (const r of data.rows) {
    if (!r.period.startsWith('2026-') || !isProvince(r.locality_code)) continue;
    const key = `${r.service_code}|${r.locality_code}`;
    let pair = out.get(key);
    if (!pair) out.set(key, (pair = { service: r.service_code, province: r.locality_code, e2e: [0, 0, 0], pay: [0, 0, 0, 0] }));
    if (r.end_to_end_count !== null) {
      pair.e2e[0] += r.online_count;
      pair.e2e[1] += r.total_count;
      pair.e2e[2] += r.end_to_end_count;
    }
    if (r.paid_online_count !== null) {
      pair.pay[0] += r.online_count;
      pair.pay[1] += r.total_count;
      pair.pay[2] += r.paid_online_count;
      pair.pay[3] += r.fee_count!;
    }
  }
  return [...out.values()];
}

describe('generateDemo: end-to-end dossiers, fees and online payment', () => {
  it('keeps every rule of the ingest: end_to_end ≤ online, fee ≤ total, paid_online ≤ fee and only with a fee count', () => {
    const count = (v: number | null) => v === null || (Number.isInteger(v) && v >= 0);
    const bad = data.rows.filter(
      (r) =>
        !count(r.end_to_end_count) ||
        !count(r.fee_count) ||
        !count(r.paid_online_count) ||
        (r.end_to_end_count !== null && r.end_to_end_count > r.online_count) ||
        (r.fee_count !== null && r.fee_count > r.total_count) ||
        (r.paid_online_count !== null && (r.fee_count === null || r.paid_online_count > r.fee_count)),
    );
    expect(bad).toEqual([]);
  });

  it('reports end-to-end dossiers from 2023-07 and fees from 2024-01, never before', () => {
    expect([E2E_FROM, FEE_FROM]).toEqual(['2023-07', '2024-01']);
    expect(data.rows.filter((r) => r.period < E2E_FROM && r.end_to_end_count !== null)).toEqual([]);
    expect(data.rows.filter((r) => r.period < FEE_FROM && (r.fee_count !== null || r.paid_online_count !== null))).toEqual([]);
    expect(data.rows.some((r) => r.period === E2E_FROM && r.end_to_end_count !== null)).toBe(true);
    expect(data.rows.some((r) => r.period === FEE_FROM && r.paid_online_count !== null)).toBe(true);
  });

  it('covers the measures less than the online counts: some provinces start late, some months are missing', () => {
    const missing = (month: string, has: (r: DemoRow) => boolean) => {
      const reporting = new Set(data.rows.filter((r) => r.period === month && isProvince(r.locality_code)).map((r) => r.locality_code));
      for (const r of data.rows) if (r.period === month && has(r)) reporting.delete(r.locality_code);
      return reporting.size;
    };
    // Six old provinces start 6 months late and two 12 months late, besides the odd missing month.
    expect(missing(E2E_FROM, (r) => r.end_to_end_count !== null)).toBeGreaterThanOrEqual(8);
    expect(missing(FEE_FROM, (r) => r.fee_count !== null)).toBeGreaterThanOrEqual(7);
    let gaps = 0;
    for (const month of ['2025-01', '2025-03', '2025-05', '2025-09', '2025-11', '2026-02', '2026-04', '2026-06', '2026-08']) gaps += missing(month, (r) => r.end_to_end_count !== null);
    expect(gaps).toBeGreaterThan(0);
    expect(gaps).toBeLessThan(30);
  });

  it('puts the national end-to-end share of 2025-06 at the published 39.51%, the ministries far above the provinces', () => {
    const june = (r: DemoRow) => r.period === '2025-06';
    const national = measureShare('end_to_end', june);
    expect(national).toBeGreaterThanOrEqual(0.385);
    expect(national).toBeLessThanOrEqual(0.405);
    expect(percent(national)).toBe(39.51);
    const ministries = measureShare('end_to_end', (r) => june(r) && DEMO_MINISTRY_RUN.has(r.service_code));
    const provinces = measureShare('end_to_end', (r) => june(r) && !DEMO_MINISTRY_RUN.has(r.service_code));
    // Published: ministries 51.19%, provinces 15.21%.
    expect(ministries).toBeGreaterThan(0.45);
    expect(ministries).toBeLessThan(0.58);
    expect(provinces).toBeGreaterThan(0.1);
    expect(provinces).toBeLessThan(0.22);
  });

  it('has the end-to-end share rise every year, the provinces’ too, and stay under the online share', () => {
    const year = (y: number, extra: (r: DemoRow) => boolean = () => true) => measureShare('end_to_end', (r) => r.period.startsWith(`${y}-`) && extra(r));
    const provincial = (r: DemoRow) => !DEMO_MINISTRY_RUN.has(r.service_code);
    expect(year(2023)).toBeLessThan(year(2024));
    expect(year(2024)).toBeLessThan(year(2025));
    expect(year(2025)).toBeLessThan(year(2026));
    expect(year(2024, provincial)).toBeLessThan(year(2025, provincial));
    expect(year(2025, provincial)).toBeLessThan(year(2026, provincial));
    expect(year(2026)).toBeLessThan(yearShare(2026));
  });

  it('never counts a dossier of a partial service, or of one not offered online, as end to end', () => {
    expect(data.rows.filter((r) => level(r) !== 'full' && (r.end_to_end_count ?? 0) > 0)).toEqual([]);
  });

  it('gives fees to some services only, and an online payment share between 20% and 50% that rises and varies', () => {
    const feeServices = [...DEMO_PROFILES].filter(([, p]) => p.fee > 0).map(([code]) => code);
    expect(feeServices.length).toBeGreaterThan(40);
    expect(feeServices.length).toBeLessThan(DEMO_PROFILES.size - 30);
    const free = new Set([...DEMO_PROFILES].filter(([, p]) => p.fee === 0).map(([code]) => code));
    expect(data.rows.filter((r) => free.has(r.service_code) && ((r.fee_count ?? 0) > 0 || r.paid_online_count !== null))).toEqual([]);
    const shares = [2024, 2025, 2026].map((y) => measureShare('paid_online', (r) => r.period.startsWith(`${y}-`)));
    for (const share of shares) {
      expect(share).toBeGreaterThan(0.2);
      expect(share).toBeLessThan(0.5);
    }
    expect(shares[0]).toBeLessThan(shares[1]!);
    expect(shares[1]).toBeLessThan(shares[2]!);
    // By service over 2026: counters that still take the fees, and services paid online almost always.
    const sums = new Map<string, [paid: number, fee: number]>();
    for (const r of data.rows) {
      if (!r.period.startsWith('2026-') || !r.fee_count || r.paid_online_count === null) continue;
      const sum = sums.get(r.service_code) ?? [0, 0];
      sum[0] += r.paid_online_count;
      sum[1] += r.fee_count;
      sums.set(r.service_code, sum);
    }
    const byService = [...sums.values()].filter(([, fee]) => fee >= 10_000).map(([paid, fee]) => paid / fee);
    expect(Math.min(...byService)).toBeLessThan(0.15);
    expect(Math.max(...byService)).toBeGreaterThan(0.7);
  });

  it('has services not offered online: no online_since, no online dossier, nothing end to end or paid online', () => {
    const none = data.services.filter((s) => (s.online_level as string) === 'none');
    expect(none.length).toBeGreaterThanOrEqual(3);
    for (const service of none) {
      expect(service.online_since).toBeNull();
      const rows = data.rows.filter((r) => r.service_code === service.code);
      expect(rows.reduce((sum, r) => sum + r.total_count, 0)).toBeGreaterThan(0);
      expect(rows.filter((r) => r.online_count > 0 || (r.end_to_end_count ?? 0) > 0 || (r.paid_online_count ?? 0) > 0)).toEqual([]);
    }
  });

  it('has, in 2026, services online for show and fees still paid at the counter, as the watch list reads them', () => {
    const pairs = pairs2026();
    // online_for_show: ≥ 50% submitted online, < 20% end to end, over ≥ 200 dossiers; a full service, so that it could be end to end.
    const forShow = pairs.filter(({ service, e2e: [online, total, count] }) => DEMO_PROFILES.get(service)!.online_level === 'full' && total >= 200 && online / total >= 0.5 && count / total < 0.2);
    // payment_lag: ≥ 50% submitted online, < 30% of the fee-bearing dossiers paid online, over ≥ 200 of them.
    const lag = pairs.filter(({ pay: [online, total, paid, fee] }) => fee >= 200 && online / total >= 0.5 && paid / fee < 0.3);
    expect(forShow.length).toBeGreaterThanOrEqual(3);
    expect(lag.length).toBeGreaterThanOrEqual(3);
    // Clear cases, and not everywhere.
    expect(forShow.some(({ e2e: [online, total, count] }) => online / total >= 0.6 && count / total < 0.15)).toBe(true);
    expect(lag.some(({ pay: [online, total, paid, fee] }) => online / total >= 0.6 && paid / fee < 0.2)).toBe(true);
    expect(forShow.length).toBeLessThan(pairs.length / 20);
    expect(lag.length).toBeLessThan(pairs.length / 20);
  });
});
