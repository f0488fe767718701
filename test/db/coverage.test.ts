import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adoptionSeries, type Granularity } from '../../db/adoption.ts';
import { type UnitsByMonth, addUnit, coverageOf, monthlyCoverage, unchanging } from '../../db/coverage.ts';
import { UNRESTRICTED, ingestBody } from '../../db/ingest/ingest.ts';
import { localityRegistry } from '../../db/localities/registry.ts';
import { monthRange } from '../../db/months.ts';
import { serviceIdsByCode } from '../../db/services.ts';
import { latestCompleteMonth } from '../../db/watch/window.ts';
import { addServices, csv, testDb } from '../helper.ts';

const NOW = new Date('2026-11-15T00:00:00Z');
const TODAY = '2026-11';
/** Phường Ba Đình, a commune of Hà Nội (01) since 2025-07-01. */
const COMMUNE_OF_01 = '00004';

describe('coverage: every bucket says who reported', () => {
  let db: ReturnType<typeof testDb>;
  let lastBatch = 0;
  const send = (rows: Array<Array<string | number>>) => {
    const outcome = ingestBody(db.sqlite, Buffer.from(csv(rows)), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(201);
    lastBatch = (outcome.body as { batch_id: number }).batch_id;
  };
  const series = (locality: string, granularity: Granularity = 'month', options: { service?: string; from?: string; asOfBatch?: number } = {}) => {
    const registry = localityRegistry(db.sqlite);
    const serviceId = options.service === undefined ? null : serviceIdsByCode(db.sqlite).get(options.service)!;
    return adoptionSeries(db.sqlite, registry, { serviceId, locality: registry.current(locality, TODAY)!, granularity, from: options.from, asOfBatch: options.asOfBatch, today: TODAY });
  };
  const at = (buckets: ReturnType<typeof series>, period: string) => buckets.find((b) => b.period === period);

  beforeEach(() => {
    db = testDb();
    addServices(db, 'A', 'B');
    // Three provinces report service A every month of 2025 and 2026 up to October.
    send(monthRange('2025-01', '2026-10').flatMap((m) => ['01', '79', '48'].map((p) => [m, 'A', p, 40, 100])));
  });
  afterEach(() => db.remove());

  it('one commune in the current month is 1 of 3 provinces, never complete, and the months before stay whole', () => {
    send([['2026-11', 'B', COMMUNE_OF_01, 40, 52]]);
    const monthly = series('VN');
    expect(at(monthly, '2026-10')).toMatchObject({ coverage: { reporting: 3, expected: 3 }, complete: true });
    expect(at(monthly, '2026-11')).toMatchObject({ online_count: 40, total_count: 52, coverage: { reporting: 1, expected: 3 }, complete: false });
    const yearly = series('VN', 'year');
    // 2026 has 11 months with data, but only Hà Nội has a row in each of them.
    expect(at(yearly, '2026')).toMatchObject({ months: 11, coverage: { reporting: 1, expected: 3 }, complete: false });
    expect(at(yearly, '2025')).toMatchObject({ months: 12, coverage: { reporting: 3, expected: 3 }, complete: true });
  });

  it('counts a province by its own rows and its communes, and by one service only when asked', () => {
    send([['2026-11', 'B', COMMUNE_OF_01, 40, 52]]);
    const hanoi = series('01');
    expect(at(hanoi, '2026-10')).toMatchObject({ coverage: { reporting: 1, expected: 1 }, complete: true });
    // The province itself reported in the year before and is expected; the commune reported.
    expect(at(hanoi, '2026-11')).toMatchObject({ coverage: { reporting: 1, expected: 2 }, complete: false });
    expect(at(series('VN', 'month', { service: 'A' }), '2026-11')).toBeUndefined();
    expect(at(series('VN', 'month', { service: 'B' }), '2026-11')).toMatchObject({ coverage: { reporting: 1, expected: 1 }, complete: false });
    expect(at(series('01', 'month', { service: 'A' }), '2026-10')).toMatchObject({ coverage: { reporting: 1, expected: 1 }, complete: true });
  });

  it('expects a unit that reported in the 12 months before, also when `from` cuts them off', () => {
    send([['2026-09', 'A', '12', 1, 10]]);
    // Lai Châu (12) reported in September, not in October: October is 3 of 4.
    expect(at(series('VN', 'month', { from: '2026-10' }), '2026-10')).toMatchObject({ coverage: { reporting: 3, expected: 4 }, complete: false });
  });

  it('does not expect a unit after it ended: the old provinces before the merger, the new one after', () => {
    send([
      ['2025-05', 'B', '02', 1, 10], // old Hà Giang
      ['2025-05', 'B', '08', 1, 10], // old Tuyên Quang
      ['2025-06', 'B', '08', 2, 10],
      ['2025-07', 'B', '08', 3, 10], // today's Tuyên Quang
    ]);
    const tq = series('08');
    expect(at(tq, '2025-06')).toMatchObject({ coverage: { reporting: 1, expected: 2 }, complete: false });
    expect(at(tq, '2025-07')).toMatchObject({ coverage: { reporting: 1, expected: 1 }, complete: true });
    // Nationally, the old provinces count as today's 08.
    expect(at(series('VN', 'month', { service: 'B' }), '2025-06')).toMatchObject({ coverage: { reporting: 1, expected: 1 } });
  });

  it('a quarter or a year is complete only when it spans the whole of it', () => {
    const quarters = series('VN', 'quarter');
    expect(at(quarters, '2026-Q3')).toMatchObject({ coverage: { reporting: 3, expected: 3 }, complete: true });
    expect(at(quarters, '2026-Q4')).toMatchObject({ first_month: '2026-10', last_month: '2026-10', coverage: { reporting: 3, expected: 3 }, complete: false });
    expect(coverageOf('2026-01', '2026-12', 'year', { units: new Map(), exists: () => true, today: '2027-02' })).toEqual({ coverage: { reporting: 0, expected: 0 }, complete: false });
  });

  it('gives the coverage of the state as of a batch', () => {
    const before = lastBatch;
    send([['2026-11', 'B', COMMUNE_OF_01, 40, 52]]);
    expect(at(series('VN', 'month', { asOfBatch: before }), '2026-11')).toBeUndefined();
    expect(at(series('VN', 'month', { asOfBatch: lastBatch }), '2026-11')).toMatchObject({ coverage: { reporting: 1, expected: 3 } });
    expect(series('01', 'year', { asOfBatch: lastBatch })).toEqual(series('01', 'year'));
  });

  it('the latest complete month is the last whole month before today', () => {
    send([['2026-11', 'B', COMMUNE_OF_01, 40, 52]]);
    const registry = localityRegistry(db.sqlite);
    const byArea = new Map(['01', '79', '48'].map((code) => [registry.current(code, TODAY)!.id, monthRange('2025-01', '2026-10').map((period) => ({ period, online: 1, total: 1 }))]));
    expect(latestCompleteMonth(byArea, TODAY)).toBe('2026-10');
    byArea.get(registry.current('48', TODAY)!.id)!.pop();
    expect(latestCompleteMonth(byArea, TODAY)).toBe('2026-09');
  });
});

describe('monthlyCoverage', () => {
  it('equals coverageOf month by month, for any units, gaps and existence', () => {
    const months = monthRange('2024-01', '2026-12');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: months.length - 1 }), fc.integer({ min: 1, max: 6 })), { maxLength: 80 }),
        fc.array(fc.integer({ min: 0, max: months.length - 1 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: months.length - 1 }),
        fc.integer({ min: 0, max: months.length - 1 }),
        (rows, asked, endOfUnit3, today) => {
          const units: UnitsByMonth = new Map();
          for (const [m, u] of rows) addUnit(units, months[m]!, u);
          // Unit 3 ends at some month, as an old commune did at the reform.
          const source = { units, exists: (u: number, m: string) => u !== 3 || m <= months[endOfUnit3]!, today: months[today]! };
          const wanted = [...new Set(asked.map((i) => months[i]!))];
          const swept = monthlyCoverage(wanted, source);
          for (const m of wanted) expect(swept.get(m), m).toEqual(coverageOf(m, m, 'month', source));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('coverage kept for units that never change', () => {
  it('gives what a fresh count gives, month by month and by bucket, and copies that a caller may change', () => {
    const units: UnitsByMonth = new Map();
    for (const m of monthRange('2024-01', '2025-06')) for (const u of [1, 2, 3]) if (!(u === 3 && m >= '2025-03')) addUnit(units, m, u);
    const exists = (u: number, m: string) => u !== 2 || m < '2025-05';
    const fresh = { units, exists, today: '2025-06' };
    const expectedMonthly = monthlyCoverage(monthRange('2024-06', '2025-06'), fresh);
    const expectedYear = coverageOf('2025-01', '2025-06', 'year', fresh);
    const frozen = { units: unchanging(new Map([...units].map(([m, set]) => [m, new Set(set)]))), exists, today: '2025-06' };
    for (let round = 0; round < 2; round++) {
      const monthly = monthlyCoverage(monthRange('2024-06', '2025-06'), frozen);
      expect([...monthly]).toEqual([...expectedMonthly]);
      // A change to an answer is not kept for the next caller.
      monthly.get('2025-04')!.coverage.expected = 99;
      const year = coverageOf('2025-01', '2025-06', 'year', frozen);
      expect(year).toEqual(expectedYear);
      year.coverage.reporting = 99;
    }
    expect(expectedMonthly.get('2025-04')).toEqual({ coverage: { reporting: 2, expected: 3 }, complete: false });
    // Another rule for who existed is another answer.
    expect(monthlyCoverage(['2025-05'], { ...frozen, exists: () => true }).get('2025-05')!.coverage).toEqual({ reporting: 2, expected: 3 });
    expect(monthlyCoverage(['2025-05'], frozen).get('2025-05')!.coverage).toEqual({ reporting: 1, expected: 2 });
  });
});
