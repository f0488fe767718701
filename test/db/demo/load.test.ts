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

  it('makes every watch-list signal show up', () => {
    const found = new Set(computeSignals(db.sqlite, { now: NOW }).flags.map((f) => f.signal));
    expect([...SIGNALS].filter((s) => !found.has(s))).toEqual([]);
  });
});
