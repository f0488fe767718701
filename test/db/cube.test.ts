import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RollupCube } from '../../db/cube.ts';
import { UNRESTRICTED, ingestBody } from '../../db/ingest/ingest.ts';
import { localityRegistry } from '../../db/localities/registry.ts';
import { type Month, monthRange } from '../../db/months.ts';
import { addServices, csv, testDb } from '../helper.ts';

const TODAY = '2026-11';
const NOW = new Date('2026-11-15T00:00:00Z');

type Row = [Month, string, string, number, number];

describe('RollupCube', () => {
  let db: ReturnType<typeof testDb>;
  const send = (rows: Row[]) => {
    const outcome = ingestBody(db.sqlite, Buffer.from(csv(rows)), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
    expect(outcome.status, JSON.stringify(outcome.body).slice(0, 300)).toBe(201);
  };
  /** Every cell as "service/area/month=online/total", for comparing two cubes. */
  const cells = (cube: RollupCube) => {
    const out: string[] = [];
    const { months, online, total, has, measures, measured, rows } = cube.state;
    cube.services.forEach((s, si) =>
      cube.areas.forEach((a, ai) => {
        const at = cube.cell(si, ai).at;
        for (let m = 0; m < months; m++) {
          const i = at + m;
          if (has[i]) out.push(`${s.code}/${a.code}/${m}=${online[i]}/${total[i]} ${measures.slice(i * 4, i * 4 + 4).join('/')} ${measured[i]} ${rows[i]}`);
        }
      }),
    );
    return out;
  };
  const fresh = () => RollupCube.load(db.sqlite, TODAY);

  beforeEach(() => {
    db = testDb();
    addServices(db, 'S1', 'S2', 'S3');
    send([
      ...monthRange('2025-01', '2026-10').map((m): Row => [m, 'S1', '01', 10, 40]),
      ...monthRange('2025-06', '2026-10').map((m): Row => [m, 'S2', '79', 3, 5]),
      // An old province's code before the 2025 merger, counted in today's province.
      ['2025-03', 'S3', '02', 1, 2],
    ]);
  });
  afterEach(() => db.remove());

  it('holds the rollups: the sums per service, area and month', () => {
    const cube = fresh();
    expect(cube.state.first).toBe('2025-01');
    expect(cube.covers('2025-01', TODAY)).toBe(true);
    expect(cube.covers('2024-12', TODAY)).toBe(false);
    const national = cube.monthlyByService();
    const { months: s1, units } = national.get(cube.services.find((s) => s.code === 'S1')!.id)!;
    expect(s1).toHaveLength(22);
    // The areas that reported each month, for coverage: one province in January 2025.
    expect([...units.get('2025-01')!].map((id) => cube.areas.find((a) => a.id === id)!.code)).toEqual(['01']);
    expect(s1[0]).toEqual({ period: '2025-01', online: 10, total: 40 });
    const window = cube.windowSums('2025-11', '2026-10');
    expect(window.map((w) => [w.online, w.total]).sort()).toEqual([
      [120, 480],
      [36, 60],
    ]);
  });

  it('follows a small batch by re-reading only the area-months it changed', () => {
    const cube = fresh();
    send([
      ['2026-10', 'S1', '01', 30, 40], // a revision
      ['2026-10', 'S3', '01', 7, 9], // a new cell in a changed area-month
      ['2026-09', 'S2', '79', 4, 5],
    ]);
    const refreshed = cube.refreshed(db.sqlite, TODAY);
    expect(refreshed).toBe(cube);
    expect(cells(refreshed)).toEqual(cells(fresh()));
    const s1 = refreshed.monthlyByService().get(refreshed.services.find((s) => s.code === 'S1')!.id)!.months;
    expect(s1.at(-1)).toEqual({ period: '2026-10', online: 30, total: 40 });
    // Nothing new: the same cube, untouched.
    expect(refreshed.refreshed(db.sqlite, TODAY)).toBe(cube);
  });

  it('reloads whole when the shape changes: a new service, a month before its first, or a large batch', () => {
    const cube = fresh();
    addServices(db, 'S4');
    send([['2026-10', 'S4', '01', 1, 1]]);
    const withService = cube.refreshed(db.sqlite, TODAY);
    expect(withService).not.toBe(cube);
    expect(withService.services.map((s) => s.code)).toContain('S4');
    expect(cells(withService)).toEqual(cells(fresh()));

    send([['2024-12', 'S1', '01', 1, 4]]);
    const earlier = withService.refreshed(db.sqlite, TODAY);
    expect(earlier.state.first).toBe('2024-12');
    expect(cells(earlier)).toEqual(cells(fresh()));

    // 3 provinces × 22 months: more area-months than are worth re-reading one by one.
    send(['01', '79', '48'].flatMap((area) => monthRange('2025-01', '2026-10').map((m): Row => [m, 'S3', area, 1, 2])));
    const large = earlier.refreshed(db.sqlite, TODAY);
    expect(large).not.toBe(earlier);
    expect(cells(large)).toEqual(cells(fresh()));
  });

  it('holds the optional measures: each over the rows that reported it, by service and area, and followed after a batch', () => {
    const header = 'period,service_code,locality_code,online_count,total_count,end_to_end_count,fee_count,paid_online_count';
    const sendMeasures = (rows: Array<Array<string | number>>) => {
      const outcome = ingestBody(db.sqlite, Buffer.from(csv(rows, header)), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
      expect(outcome.status, JSON.stringify(outcome.body).slice(0, 300)).toBe(201);
    };
    // 2026-10 already has S1 in 01 (10/40) and S2 in 79 (3/5), without measures.
    sendMeasures([
      ['2026-10', 'S1', '01', 10, 40, 5, 20, 8],
      ['2026-10', 'S1', '79', 3, 5, '', '', ''],
      ['2026-10', 'S2', '01', 2, 4, 1, '', ''],
    ]);
    const cube = fresh();
    const id = (code: string) => cube.services.find((s) => s.code === code)!.id;
    const national = cube.serviceSums(null, [{ from: '2026-10', to: '2026-10' }])[0]!;
    expect(national.get(id('S1'))).toEqual({ serviceId: id('S1'), online: 13, total: 45, endToEnd: 5, endToEndBase: 40, paidOnline: 8, paidOnlineBase: 20 });
    // S2 in 79 sent no measures: its 3/5 count in the online share only.
    expect(national.get(id('S2'))).toEqual({ serviceId: id('S2'), online: 5, total: 9, endToEnd: 1, endToEndBase: 4, paidOnline: 0, paidOnlineBase: 0 });
    const hcm = cube.areas.findIndex((a) => a.code === '79');
    expect(cube.serviceSums(hcm, [{ from: '2025-01', to: '2026-10' }])[0]!.get(id('S1'))).toEqual({ serviceId: id('S1'), online: 3, total: 5, endToEnd: 0, endToEndBase: 0, paidOnline: 0, paidOnlineBase: 0 });
    expect(cube.serviceSums(hcm, [{ from: '2025-01', to: '2026-10' }])[0]!.has(id('S3'))).toBe(false);

    const s1 = cube.monthlyByService().get(id('S1'))!;
    expect(s1.measures.end_to_end!.months).toEqual([{ period: '2026-10', online: 5, total: 40 }]);
    expect(s1.measures.paid_online!.months).toEqual([{ period: '2026-10', online: 8, total: 20 }]);
    expect([...s1.measures.end_to_end!.units.get('2026-10')!].map((a) => cube.areas.find((x) => x.id === a)!.code)).toEqual(['01']);
    // The online months keep every area that reported: 79 too.
    expect(s1.units.get('2026-10')!.size).toBe(2);
    expect(cube.monthlyByService().get(id('S2'))!.measures.paid_online).toBeUndefined();

    // A revision that drops end-to-end and adds payment: the refreshed cube is the one a fresh read gives.
    sendMeasures([['2026-10', 'S1', '01', 10, 40, '', 30, 9]]);
    const refreshed = cube.refreshed(db.sqlite, TODAY);
    expect(refreshed).toBe(cube);
    expect(cells(refreshed)).toEqual(cells(fresh()));
    expect(refreshed.serviceSums(null, [{ from: '2026-10', to: '2026-10' }])[0]!.get(id('S1'))).toMatchObject({ endToEnd: 0, endToEndBase: 0, paidOnline: 9, paidOnlineBase: 30 });
    expect(refreshed.monthlyByService().get(id('S1'))!.measures.end_to_end).toBeUndefined();
  });

  it('holds doubles when a sum does not fit in 32 bits, read whole or followed', () => {
    expect(fresh().wide).toBe(false);
    const registry = localityRegistry(db.sqlite);
    const communes = registry
      .at(TODAY)
      .filter((u) => u.level === 'commune' && registry.get(u.parentId!).code === '48')
      .slice(0, 5);
    const cube = fresh();
    // Five communes of a billion dossiers each: 5,000,000,000 in one cell.
    send(communes.map((c): Row => ['2026-10', 'S2', c.code, 1_000_000_000, 1_000_000_000]));
    const followed = cube.refreshed(db.sqlite, TODAY);
    expect(followed).not.toBe(cube);
    for (const read of [followed, fresh()]) {
      expect(read.wide).toBe(true);
      const s2 = read.services.findIndex((s) => s.code === 'S2');
      expect(read.serviceSums(null, [{ from: '2026-10', to: '2026-10' }])[0]!.get(read.services[s2]!.id)!.total).toBe(5_000_000_005);
    }
    expect(cells(followed)).toEqual(cells(fresh()));
  });

  it('shares its arrays with a cube made from its state (as a worker thread gets it)', () => {
    const cube = fresh();
    const copy = RollupCube.fromState(structuredClone(cube.state));
    expect(cells(copy)).toEqual(cells(cube));
    send([['2026-10', 'S1', '01', 39, 40]]);
    cube.refreshed(db.sqlite, TODAY);
    expect(cells(copy)).toEqual(cells(cube));
  });
});
