import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adoptionSeries, type Granularity, rateOf } from '../../db/adoption.ts';
import { UNRESTRICTED, ingestBody } from '../../db/ingest/ingest.ts';
import { localityRegistry } from '../../db/localities/registry.ts';
import { serviceIdsByCode } from '../../db/services.ts';
import { addServices, csv, testDb } from '../helper.ts';

const NOW = new Date('2026-11-15T00:00:00Z');
const COMMUNE_OF_08 = '02221';

describe('adoption engine', () => {
  let db: ReturnType<typeof testDb>;

  const send = (rows: Array<Array<string | number>>) => {
    const outcome = ingestBody(db.sqlite, Buffer.from(csv(rows)), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(201);
    return outcome;
  };
  const series = (locality: string, granularity: Granularity = 'month', service?: string, from?: string, to?: string, asOfBatch?: number) => {
    const registry = localityRegistry(db.sqlite);
    const serviceId = service === undefined ? null : serviceIdsByCode(db.sqlite).get(service)!;
    return adoptionSeries(db.sqlite, registry, { serviceId, locality: registry.current(locality, '2026-11')!, granularity, from, to, asOfBatch });
  };

  beforeEach(() => {
    db = testDb();
    addServices(db, 'A', 'B', 'C');
    send([
      // Old Hà Giang (02) and old Tuyên Quang (08) became today's 08.
      ['2024-01', 'A', '02', 10, 100],
      ['2024-01', 'A', '08', 90, 100],
      ['2024-02', 'A', '02', 1, 10],
      ['2024-03', 'B', '08', 0, 0],
      ['2024-01', 'A', '01', 50, 200],
      ['2025-07', 'A', '08', 30, 60],
      ['2025-08', 'B', COMMUNE_OF_08, 5, 20],
      ['2025-08', 'A', '08', 7, 70],
      // A country-level service counts nationally and in no province.
      ['2025-08', 'C', 'VN', 100, 1000],
    ]);
  });
  afterEach(() => db.remove());

  it('sums the old provinces merged into a current one, month by month', () => {
    const s = series('08');
    expect(s.map((b) => [b.period, b.online_count, b.total_count, b.rate])).toEqual([
      ['2024-01', 100, 200, 0.5],
      ['2024-02', 1, 10, 0.1],
      ['2024-03', 0, 0, null],
      ['2025-07', 30, 60, 0.5],
      ['2025-08', 12, 90, 0.1333],
    ]);
  });

  it('divides sums, never averages rates', () => {
    // 2024-01 nationally: (10 + 90 + 50) / (100 + 100 + 200) = 0.375, while the mean of the three rates is 0.5.
    const [jan] = series('VN', 'month', 'A', '2024-01', '2024-01');
    expect(jan).toMatchObject({ online_count: 150, total_count: 400, rate: 0.375 });
  });

  it('buckets by quarter and year, saying which months with data each covers', () => {
    const years = series('08', 'year');
    expect(years).toEqual([
      { period: '2024', first_month: '2024-01', last_month: '2024-03', months: 3, online_count: 101, total_count: 210, rate: 0.481, coverage: { reporting: 0, expected: 2 }, complete: false },
      { period: '2025', first_month: '2025-07', last_month: '2025-08', months: 2, online_count: 42, total_count: 150, rate: 0.28, coverage: { reporting: 1, expected: 2 }, complete: false },
    ]);
    const quarters = series('VN', 'quarter');
    expect(quarters.map((q) => [q.period, q.months, q.online_count, q.total_count])).toEqual([
      ['2024-Q1', 3, 151, 410],
      ['2025-Q3', 2, 142, 1150],
    ]);
  });

  it('rolls communes up into their province and the country', () => {
    expect(series('08', 'month', 'B', '2025-08')).toMatchObject([{ online_count: 5, total_count: 20 }]);
    expect(series(COMMUNE_OF_08)).toMatchObject([{ period: '2025-08', online_count: 5, total_count: 20 }]);
    expect(series('VN', 'month', 'B', '2025-08')).toMatchObject([{ online_count: 5, total_count: 20 }]);
  });

  it('reads a code that no longer exists as the old unit, with only its own rows', () => {
    expect(series('02').map((b) => [b.period, b.online_count, b.total_count])).toEqual([
      ['2024-01', 10, 100],
      ['2024-02', 1, 10],
    ]);
  });

  it('counts country-level rows nationally only', () => {
    expect(series('VN', 'month', 'C')).toMatchObject([{ period: '2025-08', online_count: 100, total_count: 1000 }]);
    expect(series('08', 'month', 'C')).toEqual([]);
  });

  it('follows revisions: the rollups move by the difference', () => {
    send([['2024-01', 'A', '02', 60, 100]]);
    expect(series('08', 'month', 'A', '2024-01', '2024-01')).toMatchObject([{ online_count: 150, total_count: 200, rate: 0.75 }]);
    expect(series('VN', 'month', undefined, '2024-01', '2024-01')).toMatchObject([{ online_count: 200, total_count: 400, rate: 0.5 }]);
  });

  it('gives the numbers as they stood after a batch, whatever came later', () => {
    const before = series('08', 'year');
    const revision = send([['2024-01', 'A', '02', 60, 100]]);
    const revisionBatch = (revision.body as { batch_id: number }).batch_id;
    // As of the batch before the revision: the old numbers, through revisions and merged provinces.
    expect(series('08', 'year', undefined, undefined, undefined, revisionBatch - 1)).toEqual(before);
    // As of the latest batch: the same as the rollups say now.
    for (const place of ['08', 'VN', '02', COMMUNE_OF_08]) {
      expect(series(place, 'month', undefined, undefined, undefined, revisionBatch)).toEqual(series(place, 'month'));
    }
    expect(series('08', 'year', undefined, '2024-01', '2024-12', revisionBatch)[0]).toMatchObject({ online_count: 151, total_count: 210 });
    expect(series('VN', 'month', undefined, undefined, undefined, 0)).toEqual([]);
  });

  it('keeps the rollups equal to sums recomputed from the raw observations', () => {
    send([
      ['2024-01', 'A', '02', 11, 100],
      ['2025-08', 'A', '01', 3, 9],
    ]);
    const registry = localityRegistry(db.sqlite);
    const raw = db.sqlite.prepare('SELECT locality_id AS l, period, online_count AS o, total_count AS t FROM observations').all() as Array<{ l: number; period: string; o: number; t: number }>;
    const expected = new Map<string, [number, number]>();
    for (const r of raw) {
      const key = `${registry.areaOf(registry.get(r.l))}:${r.period}`;
      const [o, t] = expected.get(key) ?? [0, 0];
      expected.set(key, [o + r.o, t + r.t]);
    }
    const rollup = db.sqlite.prepare('SELECT area_id AS a, period, online_count AS o, total_count AS t FROM rollup_area').all() as Array<{ a: number; period: string; o: number; t: number }>;
    expect(new Map(rollup.map((r) => [`${r.a}:${r.period}`, [r.o, r.t]]))).toEqual(expected);
  });

  it('rounds rates to four decimals and has no rate without dossiers', () => {
    expect(rateOf(1, 3)).toBe(0.3333);
    expect(rateOf(0, 0)).toBeNull();
  });
});
