import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptionSeries } from '../../../db/adoption.ts';
import { loadDemoIfEmpty } from '../../../db/demo/load.ts';
import { DEMO_MINISTRY_RUN } from '../../../db/demo/services.ts';
import { localityRegistry } from '../../../db/localities/registry.ts';
import { hasDemoRows } from '../../../db/meta.ts';
import { SIGNALS } from '../../../db/watch/types.ts';
import { computeSignals } from '../../../db/watch/signals.ts';
import { testDb } from '../../helper.ts';

const NOW = new Date('2026-11-22T00:00:00Z');

describe('loading the demo dataset', () => {
  let db: ReturnType<typeof testDb>;
  let loaded: ReturnType<typeof loadDemoIfEmpty>;
  beforeAll(() => {
    db = testDb();
    loaded = loadDemoIfEmpty(db.sqlite, NOW);
  }, 120_000);
  afterAll(() => db.remove());

  it('goes through the normal ingest path into an empty database, once', () => {
    expect(loaded?.rows).toBeGreaterThan(600_000);
    expect(hasDemoRows(db.sqlite)).toBe(true);
    expect(loadDemoIfEmpty(db.sqlite, NOW)).toBeNull();
  });

  it('reproduces the published national curve through the engine', () => {
    const registry = localityRegistry(db.sqlite);
    const years = adoptionSeries(db.sqlite, registry, { serviceId: null, locality: registry.country, granularity: 'year' });
    const rate = (year: string) => years.find((b) => b.period === year)!.rate;
    expect(rate('2020')).toBe(0.0178);
    expect(rate('2021')).toBe(0.0951);
    const [jul2022] = adoptionSeries(db.sqlite, registry, { serviceId: null, locality: registry.country, granularity: 'year', from: '2022-01', to: '2022-07' });
    expect(jul2022!.rate).toBeGreaterThanOrEqual(0.175);
    expect(jul2022!.rate).toBeLessThanOrEqual(0.1799);
  });

  it('moves Đà Nẵng to commune rows with a withdrawal batch, and shows communes with and without history before the reform', () => {
    const registry = localityRegistry(db.sqlite);
    const move = db.sqlite.prepare('SELECT rows, withdrawn FROM batches WHERE withdrawn > 0').all() as Array<{ rows: number; withdrawn: number }>;
    expect(move).toHaveLength(1);
    expect(move[0]!.withdrawn).toBeGreaterThan(40);
    const series = (code: string) => adoptionSeries(db.sqlite, registry, { serviceId: null, locality: registry.current(code)!, granularity: 'month', from: '2024-01' });
    // The province's own rows are gone for 2025-07 on: what is left of it there is its communes' and its other services'.
    const ownRows = db.sqlite.prepare("SELECT count(*) AS n FROM observations o JOIN localities l ON l.id = o.locality_id WHERE l.code = '48' AND l.valid_to IS NULL AND o.service_id IN (SELECT id FROM services WHERE code = '1.001193')").get() as { n: number };
    expect(ownRows.n).toBe(0);
    // Phường Hòa Khánh (20200) is made of whole old communes: its history starts in 2024 with theirs.
    expect(series('20200')[0]!.period).toBe('2024-01');
    const split = registry.current('20194')!;
    expect(registry.historyLimit(split)?.history_from).toBe('2025-07');
    expect(series('20194')[0]!.period).toBe('2025-07');
  });

  /** Σ numerator ÷ Σ denominator over the stored rows that reported the measure, as the indicators compute it. */
  function stored(numerator: string, denominator: string, where: string, ...params: unknown[]): number {
    const row = db.sqlite
      .prepare(
        `SELECT sum(o.${numerator}) AS n, sum(o.${denominator}) AS d FROM observations o JOIN services s ON s.id = o.service_id
         WHERE o.${numerator} IS NOT NULL AND ${where}`,
      )
      .get(...params) as { n: number; d: number };
    return row.n / row.d;
  }

  it('stores the national end-to-end share of 2025-06 at 39.51%, ministries far above provinces', () => {
    const e2e = (where: string, ...params: unknown[]) => stored('end_to_end_count', 'total_count', `o.period = '2025-06' AND ${where}`, ...params);
    const national = e2e('1');
    expect(national).toBeGreaterThanOrEqual(0.385);
    expect(national).toBeLessThanOrEqual(0.405);
    expect(Math.round(national * 10_000)).toBe(3951);
    const codes = [...DEMO_MINISTRY_RUN];
    const list = codes.map(() => '?').join(', ');
    const ministries = e2e(`s.code IN (${list})`, ...codes);
    const provinces = e2e(`s.code NOT IN (${list})`, ...codes);
    expect(ministries).toBeGreaterThan(0.45);
    expect(provinces).toBeLessThan(0.22);
    expect(ministries - provinces).toBeGreaterThan(0.25);
  });

  it('stores fees and online payment: between 20% and 50% of fee-bearing dossiers paid online, more each year', () => {
    const paid = (year: string) => stored('paid_online_count', 'fee_count', `o.period BETWEEN ? AND ?`, `${year}-01`, `${year}-12`);
    const shares = ['2024', '2025', '2026'].map(paid);
    for (const share of shares) {
      expect(share).toBeGreaterThan(0.2);
      expect(share).toBeLessThan(0.5);
    }
    expect(shares[0]).toBeLessThan(shares[1]!);
    expect(shares[1]).toBeLessThan(shares[2]!);
  });

  it('has services not offered online (online_level none) with dossiers but none online', () => {
    const none = db.sqlite
      .prepare(
        `SELECT s.code, s.online_since, sum(o.total_count) AS total, sum(o.online_count) AS online, sum(coalesce(o.end_to_end_count, 0) + coalesce(o.paid_online_count, 0)) AS other
         FROM services s JOIN observations o ON o.service_id = s.id WHERE s.online_level = 'none' GROUP BY s.id`,
      )
      .all() as Array<{ code: string; online_since: string | null; total: number; online: number; other: number }>;
    expect(none.length).toBeGreaterThanOrEqual(1);
    for (const s of none) expect(s, s.code).toMatchObject({ online_since: null, online: 0, other: 0, total: expect.any(Number) });
    expect(none.every((s) => s.total > 0)).toBe(true);
  });

  it('has service × province pairs online for show and lagging in payment in 2026', () => {
    const pairs = (select: string, having: string) =>
      db.sqlite
        .prepare(
          `SELECT s.code AS service, l.code AS province FROM observations o
           JOIN services s ON s.id = o.service_id JOIN localities l ON l.id = o.locality_id AND l.level = 'province'
           WHERE o.period BETWEEN '2026-01' AND '2026-12' AND ${select}
           GROUP BY o.service_id, o.locality_id HAVING ${having}`,
        )
        .all() as Array<{ service: string; province: string }>;
    const forShow = pairs(
      `o.end_to_end_count IS NOT NULL AND s.online_level = 'full'`,
      `sum(o.total_count) >= 200 AND sum(o.online_count) >= 0.5 * sum(o.total_count) AND sum(o.end_to_end_count) < 0.2 * sum(o.total_count)`,
    );
    const lag = pairs(
      `o.paid_online_count IS NOT NULL`,
      `sum(o.fee_count) >= 200 AND sum(o.online_count) >= 0.5 * sum(o.total_count) AND sum(o.paid_online_count) < 0.3 * sum(o.fee_count)`,
    );
    expect(forShow.length).toBeGreaterThanOrEqual(1);
    expect(lag.length).toBeGreaterThanOrEqual(1);
  });

  it('makes every watch-list signal show up', () => {
    const found = new Set(computeSignals(db.sqlite, { now: NOW }).flags.map((f) => f.signal));
    expect([...SIGNALS].filter((s) => !found.has(s))).toEqual([]);
  });
});
