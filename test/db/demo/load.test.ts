import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptionSeries } from '../../../db/adoption.ts';
import { loadDemoIfEmpty } from '../../../db/demo/load.ts';
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

  it('makes every watch-list signal show up', () => {
    const found = new Set(computeSignals(db.sqlite, { now: NOW }).flags.map((f) => f.signal));
    expect([...SIGNALS].filter((s) => !found.has(s))).toEqual([]);
  });
});
