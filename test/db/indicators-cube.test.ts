import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Granularity } from '../../db/adoption.ts';
import { RollupCube } from '../../db/cube.ts';
import { INDICATORS } from '../../db/indicators/catalogue.ts';
import { scorecard } from '../../db/indicators/scorecard.ts';
import { indicatorSeries } from '../../db/indicators/series.ts';
import { UNRESTRICTED, ingestBody } from '../../db/ingest/ingest.ts';
import { localityRegistry } from '../../db/localities/registry.ts';
import { monthRange } from '../../db/months.ts';
import { upsertServices } from '../../db/services.ts';
import { csv, service, testDb } from '../helper.ts';

const TODAY = '2026-11';
const HEADER = 'period,service_code,locality_code,online_count,total_count,end_to_end_count,fee_count,paid_online_count';

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The cube answers for the country and the current provinces (the server's and the site's quick
 * path); the rollups and rows answer otherwise. Both must give the same numbers.
 */
describe('the indicators that count services and the scorecard, from the cube and from the rollups', () => {
  const db = testDb();
  let cube: RollupCube;

  beforeAll(() => {
    upsertServices(db.sqlite, [
      service('S1', { agency: 'Bộ Tư pháp', online_level: 'full', online_since: '2019-01' }),
      service('S2', { agency: 'Bộ Tư pháp', online_level: 'partial', online_since: '2025-09' }),
      service('S3', { agency: 'Bộ Công an', online_level: 'none', online_since: null }),
      service('S4', { agency: 'Bộ Công an', online_level: 'full', online_since: '2019-01' }),
      service('S5', { agency: 'Bộ Công an', online_level: 'partial', online_since: '2019-01' }),
      // Reported by the ministry for the whole country (VN rows), never by a province.
      service('S6', { agency: 'Bộ Công an', online_level: 'full', online_since: '2019-01' }),
    ]);
    const next = random(16);
    const registry = localityRegistry(db.sqlite);
    const communes = registry
      .at(TODAY)
      .filter((u) => u.level === 'commune' && registry.get(u.parentId!).code === '48')
      .slice(0, 3)
      .map((c) => c.code);
    const rows: Array<Array<string | number>> = [];
    const count = (total: number, p: number) => (next() < p ? '' : Math.floor(next() * (total + 1)));
    const row = (period: string, code: string, locality: string) => {
      const total = Math.floor(next() * 60);
      const online = Math.floor(next() * (total + 1));
      const e2e = next() < 0.4 ? '' : Math.floor(next() * (online + 1));
      const fee = count(total, 0.5);
      const paid = fee === '' || next() < 0.3 ? '' : Math.floor(next() * (fee + 1));
      rows.push([period, code, locality, online, total, e2e, fee, paid]);
    };
    for (const period of monthRange('2024-11', '2026-10')) {
      if (next() < 0.8) row(period, 'S6', 'VN');
      for (const code of ['S1', 'S2', 'S3', 'S4', 'S5']) {
        // Provinces (one before the merger: 02 became part of 08), the country's own rows, communes.
        for (const locality of period < '2025-07' ? ['01', '79', '02'] : ['01', '79', '08']) if (next() < 0.7) row(period, code, locality);
        if (period >= '2025-07') for (const c of communes) if (next() < 0.5) row(period, code, c);
      }
    }
    const outcome = ingestBody(db.sqlite, Buffer.from(csv(rows, HEADER)), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: new Date('2026-11-15T00:00:00Z') });
    expect(outcome.status, JSON.stringify((outcome.body as { errors?: unknown[] }).errors?.slice(0, 2))).toBe(201);
    cube = RollupCube.load(db.sqlite, TODAY);
  });
  afterAll(() => db.remove());

  it('gives every bucket of every service indicator as the rollups do, for the country and each province', () => {
    const registry = localityRegistry(db.sqlite);
    let checked = 0;
    for (const indicator of INDICATORS.filter((i) => i.counts === 'services')) {
      for (const code of ['VN', '01', '79', '08', '48']) {
        for (const granularity of ['month', 'quarter', 'year'] as Granularity[]) {
          const locality = registry.current(code)!;
          const q = { serviceId: null, locality, from: undefined, to: undefined, granularity, asOfBatch: undefined };
          const fromRows = indicatorSeries(db.sqlite, registry, indicator, q);
          const fromCube = indicatorSeries(db.sqlite, registry, indicator, q, cube);
          expect(fromCube, `${indicator.id} ${code} ${granularity}`).toEqual(fromRows);
          checked += fromRows.filter((b) => b.denominator > 0).length;
        }
      }
    }
    // The data must give the comparison something to compare.
    expect(checked).toBeGreaterThan(100);
  });

  it('gives the scorecards the rollups give, for the country, provinces and ministries', () => {
    const registry = localityRegistry(db.sqlite);
    const scores: number[] = [];
    for (const code of ['VN', '01', '79', '08']) {
      for (const year of ['2024', '2025', '2026']) {
        for (const agency of [null, 'Bộ Tư pháp', 'Bộ Công an']) {
          const q = { locality: registry.current(code)!, year, agency, today: TODAY };
          const fromCube = scorecard(db.sqlite, registry, q, cube);
          expect(fromCube, `${code} ${year} ${agency}`).toEqual(scorecard(db.sqlite, registry, q));
          scores.push(fromCube.score);
        }
      }
    }
    expect(new Set(scores).size).toBeGreaterThan(5);
  });
});
