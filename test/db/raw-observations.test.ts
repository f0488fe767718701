import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNRESTRICTED, ingestBody } from '../../db/ingest/ingest.ts';
import { localityRegistry } from '../../db/localities/registry.ts';
import { areaYears, iterateObservations } from '../../db/raw-observations.ts';
import { addServices, csv, testDb } from '../helper.ts';

const NOW = new Date('2026-11-15T00:00:00Z');
/** Phường Ba Đình, a commune of Hà Nội (01) since 2025-07-01. */
const COMMUNE_OF_01 = '00004';

describe('the raw observations by area and year', () => {
  let db: ReturnType<typeof testDb>;
  const send = (rows: Array<Array<string | number>>) => {
    const outcome = ingestBody(db.sqlite, Buffer.from(csv(rows)), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(201);
    return (outcome.body as { batch_id: number }).batch_id;
  };
  const codeOf = (id: number) => localityRegistry(db.sqlite).get(id).code;

  beforeEach(() => {
    db = testDb();
    addServices(db, 'S1', 'S2');
  });
  afterEach(() => db.remove());

  it('names the last batch that changed each area-year, and reads an area with its old provinces and communes', () => {
    const first = send([['2024-03', 'S1', '02', 1, 2], ['2024-03', 'S1', '08', 3, 4], ['2025-08', 'S2', COMMUNE_OF_01, 5, 6], ['2025-08', 'S1', 'VN', 7, 8]]);
    const second = send([['2024-03', 'S2', '02', 1, 1]]);
    expect(areaYears(db.sqlite).map((p) => [codeOf(p.areaId), p.year, p.changedIn])).toEqual([
      ['VN', '2025', first],
      ['01', '2025', first],
      ['08', '2024', second],
    ]);
    const registry = localityRegistry(db.sqlite);
    const today08 = registry.current('08', '2026-11')!;
    // Old Hà Giang (02) and old Tuyên Quang (08) are in today's Tuyên Quang (08), read in key order.
    expect([...iterateObservations(db.sqlite, registry.memberIds(today08), '2024-01', '2024-12')].map((r) => [r[0], r[1], r[2], r[9]])).toEqual([
      ['2024-03', 'S1', '02', first],
      ['2024-03', 'S2', '02', second],
      ['2024-03', 'S1', '08', first],
    ]);
    expect([...iterateObservations(db.sqlite, registry.memberIds(today08), '2025-01', '2025-12')]).toEqual([]);
  });

  it('migration 0006 fills the batch of area-months stored before changed_in was kept', () => {
    const first = send([['2024-03', 'S1', '01', 1, 2], ['2025-08', 'S1', COMMUNE_OF_01, 1, 2]]);
    const second = send([['2025-08', 'S2', COMMUNE_OF_01, 1, 2]]);
    db.sqlite.exec('UPDATE rollup_area SET changed_in = 0');
    db.sqlite.exec(readFileSync(new URL('../../db/migrations/0006_rollup_area_changed_in_filled.sql', import.meta.url), 'utf8'));
    expect(db.sqlite.prepare('SELECT period, changed_in FROM rollup_area ORDER BY period').raw(true).all()).toEqual([
      ['2024-03', first],
      ['2025-08', second],
    ]);
  });
});
