import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNRESTRICTED, ingestBody } from '../../../db/ingest/ingest.ts';
import { addServices, count, csv, testDb } from '../../helper.ts';

const NOW = new Date('2026-11-15T00:00:00Z');
const PROVINCES_2024 = ['01', '02', '04', '06', '08', '10'];

/** 20 services × 6 provinces = 120 rows for one month: more than two 50-row insert chunks. */
function rows(month: string, counts: (i: number) => [number, number]) {
  const out: Array<Array<string | number>> = [];
  let i = 0;
  for (const province of PROVINCES_2024) for (let s = 0; s < 20; s++) out.push([month, `S${s}`, province, ...counts(i++)]);
  return out;
}

describe('storing a batch in multi-row chunks', () => {
  let db: ReturnType<typeof testDb>;
  const send = (body: string) => ingestBody(db.sqlite, Buffer.from(body), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
  const nationalSums = () => db.sqlite.prepare('SELECT sum(online_count) AS online, sum(total_count) AS total FROM rollup_area').get();

  beforeEach(() => {
    db = testDb();
    addServices(db, ...Array.from({ length: 20 }, (_, s) => `S${s}`));
  });
  afterEach(() => db.remove());

  it('tells new, revised and unchanged rows apart when a chunk meets stored keys', () => {
    // Store every other row first.
    const first = rows('2024-03', (i) => [i, 1000]).filter((_, i) => i % 2 === 0);
    expect(send(csv(first))).toMatchObject({ status: 201, body: { inserted: 60 } });

    // Then all 120: the 60 stored come back half changed, half identical; 60 are new.
    const second = rows('2024-03', (i) => (i % 2 === 1 ? [i, 1000] : i % 4 === 0 ? [i + 1, 1000] : [i, 1000]));
    const outcome = send(csv(second));
    expect(outcome).toMatchObject({ status: 201, body: { rows: 120, inserted: 60, revised: 30, unchanged: 30 } });
    expect(count(db, 'observations')).toBe(120);
    expect(count(db, 'observation_revisions')).toBe(30);

    // The rollups equal the raw sums: Σi for i < 120, plus 1 for each of the 30 revised rows.
    expect(nationalSums()).toEqual({ online: (119 * 120) / 2 + 30, total: 120_000 });
  });
});
