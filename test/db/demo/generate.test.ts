import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { addMonths } from '../../../db/months.ts';
import { DEMO_LATE_COMMUNE, DEMO_LATE_PROVINCES, type DemoDataset, type DemoRow, generateDemo } from '../../../db/demo/generate.ts';

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

function yearShare(year: number): number {
  return share(data.rows, (r) => r.period.startsWith(`${year}-`));
}

function fingerprint(dataset: DemoDataset): string {
  const hash = createHash('sha256').update(JSON.stringify(dataset.services));
  for (const r of dataset.rows) hash.update(`${r.period},${r.service_code},${r.locality_code},${r.online_count},${r.total_count}\n`);
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
      if (r.period < from) continue;
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
